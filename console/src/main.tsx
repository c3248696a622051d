// The audit console: sign in with an orderstream account, then the screens the account's roles
// may use. Which screens show comes from GET /v1/users/me/permissions (the service's own table);
// what each screen shows comes from the API answering with the same token.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, signOut, whenSignedOut, type MyPermissions } from './api';
import { Refusal } from './parts';
import { parseRoute, type Route } from './routes';
import { storedToken } from './session';
import { AccessLogScreen } from './screens/access-log';
import { AnalystsScreen } from './screens/analysts';
import { EntityScreen } from './screens/entity';
import { IntegrityScreen } from './screens/integrity';
import { SignIn } from './screens/sign-in';
import { StoryScreen } from './screens/story';
import { StreamsScreen } from './screens/streams';

type Screen = Exclude<Route['screen'], 'home'>;

/** Each screen and the permissions (any one of them) that open it. */
const SCREENS: Array<{ screen: Screen; label: string; needs: string[] }> = [
  { screen: 'streams', label: 'Streams', needs: ['audit.read-history'] },
  { screen: 'integrity', label: 'Integrity', needs: ['audit.verify-log', 'audit.export-events'] },
  { screen: 'story', label: "A request's story", needs: ['audit.read-history'] },
  { screen: 'entity', label: 'An entity over time', needs: ['audit.read-history'] },
  { screen: 'analysts', label: 'Analysts', needs: ['analytics.read-projections'] },
  { screen: 'access-log', label: 'Access log', needs: ['audit.read-access-log'] },
];

export type Can = (permission: string) => boolean;

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function App() {
  const [signedIn, setSignedIn] = useState(storedToken() !== null);
  const [mine, setMine] = useState<MyPermissions | undefined>();
  const [error, setError] = useState<unknown>();
  const route = useHashRoute();

  useEffect(() => whenSignedOut(() => setSignedIn(false)), []);
  useEffect(() => {
    setMine(undefined);
    setError(undefined);
    if (signedIn) getJson<MyPermissions>('/v1/users/me/permissions').then(setMine, setError);
  }, [signedIn]);
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [route.screen]);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  if (error) return <main class="narrow"><Refusal error={error} /></main>;
  if (!mine) return <main class="narrow"><p aria-busy="true">Loading your permissions…</p></main>;

  const held = new Set(mine.permissions.map((p) => p.name));
  const can: Can = (permission) => held.has(permission);
  const open = SCREENS.filter((s) => s.needs.some(can));
  const current = route.screen === 'home' ? open[0]?.screen : open.some((s) => s.screen === route.screen) ? route.screen : undefined;

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <span class="brand">orderstream · audit console</span>
        <nav aria-label="Screens">
          <ul>
            {open.map((s) => (
              <li key={s.screen}>
                <a href={`#/${s.screen}`} aria-current={current === s.screen ? 'page' : undefined}>{s.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          <span data-testid="roles">{mine.roles.join(', ') || 'no roles'}</span>
          <button type="button" onClick={() => { signOut(); setSignedIn(false); }}>Sign out</button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {current === undefined ? (
          <p class="problem" role="alert">
            {open.length === 0 ? 'Your roles hold none of the permissions the console shows (history, verification, exports, projections).' : 'Your roles may not use this screen.'}
          </p>
        ) : (
          <ScreenOf route={route.screen === 'home' ? { screen: current } as Route : route} can={can} />
        )}
      </main>
    </>
  );
}

function ScreenOf({ route, can }: { route: Route; can: Can }) {
  switch (route.screen) {
    case 'streams':
      return <StreamsScreen streamId={route.streamId} fromRevision={route.fromRevision} />;
    case 'entity':
      return <EntityScreen streamId={route.streamId} />;
    case 'story':
      return <StoryScreen correlationId={route.correlationId} />;
    case 'integrity':
      return <IntegrityScreen can={can} />;
    case 'analysts':
      return <AnalystsScreen can={can} />;
    case 'access-log':
      return <AccessLogScreen />;
    case 'home':
      return null;
  }
}

render(<App />, document.getElementById('app')!);
