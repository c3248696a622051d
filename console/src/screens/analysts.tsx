// Analysts: each projection's serving build and any build in progress (checkpoint, lag, parked),
// blue/green rebuilds watched until they take over, replays into scratch projections shown as a
// table, and (for those whose roles may) the parked events with their errors.
import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson, type Page } from '../api';
import type { Can } from '../main';
import { Refusal, Section, Time, useCall } from '../parts';
import { InlineJson, isPersonalMarker } from '../readable-data';
import { href } from '../routes';

interface BuildStatus {
  version: number;
  build: number;
  collection: string;
  checkpoint: string | null;
  caughtUp: boolean;
  lag: number;
  parked: number;
  lastError: string | null;
  running: boolean;
}

interface ProjectionStatus {
  name: string;
  declaredVersion: number;
  serving: BuildStatus;
  building: BuildStatus | null;
}

interface ReplayAnswer {
  projection: string;
  fromPosition: string | null;
  toPosition: string | null;
  events: number;
  documents: Array<Record<string, unknown>>;
  documentCount: number;
  truncated: boolean;
}

interface ParkedEvent {
  /** `<subscriber>:<position>`: what the retry and skip routes take. */
  id: string;
  subscriber: string;
  position: string;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
  parkedAt: string;
  /** The log stream where admins' retries and skips of it are recorded. */
  decisionStream: string;
  resolution?: { action: 'retried' | 'skipped'; by: string; at: string; reason: string };
}

const WATCH_EVERY_MS = 1000;

export function AnalystsScreen({ can }: { can: Can }) {
  return (
    <>
      <h1>Analysts</h1>
      <Projections canRebuild={can('analytics.rebuild-projection')} />
      {can('analytics.replay') && <Replay />}
      {can('operations.read-parked-events') && <Parked canResolve={can('operations.resolve-parked-events')} canReadHistory={can('audit.read-history')} />}
    </>
  );
}

function Projections({ canRebuild }: { canRebuild: boolean }) {
  const status = useCall<{ items: ProjectionStatus[] }>();
  const rebuild = useCall<string>();
  const [watching, setWatching] = useState(false);
  const load = () => status.run(() => getJson('/v1/analytics/projections'));
  useEffect(() => void load(), []);
  const inProgress = status.data?.items.some((p) => p.building !== null) ?? false;
  // Watch while a build is in progress: it takes over when it has caught up with the live log.
  useEffect(() => {
    if (!watching) return;
    if (!inProgress && status.data) {
      setWatching(false);
      return;
    }
    const timer = setTimeout(() => void load(), WATCH_EVERY_MS);
    return () => clearTimeout(timer);
  }, [watching, status.data]);

  const start = (name?: string) =>
    rebuild.run(async () => {
      await postJson(name === undefined ? '/v1/analytics/projections/rebuild' : `/v1/analytics/projections/${encodeURIComponent(name)}/rebuild`);
      await load();
      setWatching(true);
      return name ?? 'every projection';
    });

  return (
    <Section title="Projections">
      <div class="row">
        <button type="button" onClick={() => void load()}>Refresh</button>
        {canRebuild && <button type="button" onClick={() => void start()}>Rebuild all</button>}
        <span role="status">{watching ? (inProgress ? 'Watching the rebuild…' : '') : rebuild.data !== undefined && !inProgress ? `Rebuild of ${rebuild.data} finished: the new build serves.` : ''}</span>
      </div>
      {status.error !== undefined && <Refusal error={status.error} />}
      {rebuild.error !== undefined && <Refusal error={rebuild.error} />}
      {status.data && (
        <table data-testid="projections">
          <thead>
            <tr>
              <th scope="col">Projection</th><th scope="col">Serving build</th><th scope="col">Checkpoint</th><th scope="col">Lag</th><th scope="col">Parked</th>
              <th scope="col">Build in progress</th>{canRebuild && <th scope="col"><span class="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {status.data.items.map((p) => (
              <tr key={p.name} data-projection={p.name}>
                <th scope="row">{p.name} <span class="muted">v{p.declaredVersion}</span></th>
                <td>
                  <code>{p.serving.collection}</code>
                  <br />
                  <span class={p.serving.caughtUp ? 'ok' : 'warn'}>{!p.serving.running ? 'frozen (old version)' : p.serving.caughtUp ? 'live' : 'catching up'}</span>
                  {p.serving.lastError && <><br /><span class="problem">{p.serving.lastError}</span></>}
                </td>
                <td class="num">{p.serving.checkpoint ?? '—'}</td>
                <td class="num">{p.serving.lag}</td>
                <td class="num">{p.serving.parked > 0 ? <strong class="warn">{p.serving.parked}</strong> : 0}</td>
                <td data-testid="building">
                  {p.building ? (
                    <>
                      <code>{p.building.collection}</code> at {p.building.checkpoint ?? 'the start'}, lag {p.building.lag}
                      <progress max={Math.max(1, Number(p.serving.checkpoint ?? 0))} value={Number(p.building.checkpoint ?? 0)} aria-label={`rebuild of ${p.name}`} />
                    </>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                {canRebuild && (
                  <td>
                    <button type="button" disabled={p.building !== null} onClick={() => void start(p.name)} aria-label={`Rebuild ${p.name}`}>Rebuild</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function Replay() {
  const scratch = useCall<{ items: Array<{ name: string; version: number; eventTypes: string[] }> }>();
  const result = useCall<ReplayAnswer>();
  const [form, setForm] = useState({ projection: '', since: '', until: '', fromPosition: '', toPosition: '', limit: '100' });
  useEffect(() => void scratch.run(() => getJson('/v1/analytics/scratch-projections')), []);
  useEffect(() => {
    const first = scratch.data?.items[0]?.name;
    if (first && form.projection === '') setForm({ ...form, projection: first });
  }, [scratch.data]);

  return (
    <Section title="Replay into a scratch projection">
      <p>Replays a range of the log into a projection held in memory and shows its documents. A served projection's name replays a copy of it.</p>
      {scratch.error !== undefined && <Refusal error={scratch.error} />}
      <form
        class="grid"
        onSubmit={(e) => {
          e.preventDefault();
          void result.run(() =>
            postJson('/v1/analytics/replays', {
              projection: form.projection,
              ...(form.since ? { since: new Date(form.since).toISOString() } : {}),
              ...(form.until ? { until: new Date(form.until).toISOString() } : {}),
              ...(form.fromPosition ? { fromPosition: form.fromPosition } : {}),
              ...(form.toPosition ? { toPosition: form.toPosition } : {}),
              limit: Number(form.limit),
            }),
          );
        }}
      >
        <label>
          Projection
          <input name="projection" list="scratch-projections" required value={form.projection} onInput={(e) => setForm({ ...form, projection: e.currentTarget.value })} />
          <datalist id="scratch-projections">
            {scratch.data?.items.map((p) => <option key={p.name} value={p.name}>{p.eventTypes.join(', ')}</option>)}
          </datalist>
        </label>
        <label>Recorded from<input type="datetime-local" name="since" value={form.since} onInput={(e) => setForm({ ...form, since: e.currentTarget.value })} /></label>
        <label>Recorded before<input type="datetime-local" name="until" value={form.until} onInput={(e) => setForm({ ...form, until: e.currentTarget.value })} /></label>
        <label>From position<input name="fromPosition" value={form.fromPosition} onInput={(e) => setForm({ ...form, fromPosition: e.currentTarget.value })} /></label>
        <label>To position<input name="toPosition" value={form.toPosition} onInput={(e) => setForm({ ...form, toPosition: e.currentTarget.value })} /></label>
        <label>At most documents<input type="number" min={1} max={1000} name="limit" value={form.limit} onInput={(e) => setForm({ ...form, limit: e.currentTarget.value })} /></label>
        <div><button type="submit" class="primary" disabled={result.busy}>{result.busy ? 'Replaying…' : 'Run the replay'}</button></div>
      </form>
      {result.error !== undefined && <Refusal error={result.error} />}
      {result.data && <DocumentTable answer={result.data} />}
    </Section>
  );
}

function DocumentTable({ answer }: { answer: ReplayAnswer }) {
  const columns = [...new Set(answer.documents.flatMap((doc) => Object.keys(doc)))].filter((key) => key !== '_position');
  const cell = (value: unknown) => (value === undefined ? '' : (typeof value === 'object' && value !== null) || isPersonalMarker(value) ? <InlineJson value={value} /> : String(value));
  return (
    <div data-testid="replay-result">
      <p role="status">
        {answer.events} event{answer.events === 1 ? '' : 's'} replayed (positions {answer.fromPosition ?? 'start'} to {answer.toPosition ?? 'head'}): {answer.documentCount} document{answer.documentCount === 1 ? '' : 's'}
        {answer.truncated ? `, the first ${answer.documents.length} shown` : ''}.
      </p>
      <div class="scroll">
        <table>
          <thead><tr>{columns.map((c) => <th scope="col" key={c}>{c}</th>)}</tr></thead>
          <tbody>
            {answer.documents.map((doc) => <tr key={String(doc._id)}>{columns.map((c) => <td key={c}>{cell(doc[c])}</td>)}</tr>)}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Parked({ canResolve, canReadHistory }: { canResolve: boolean; canReadHistory: boolean }) {
  const parked = useCall<Page<ParkedEvent>>();
  const resolution = useCall<ParkedEvent>();
  const load = () => parked.run(() => getJson('/v1/admin/parked-events', { limit: 50 }));
  useEffect(() => void load(), []);
  // After an answer, refusal or not, the list is read again: it says what is still parked.
  const resolve = async (id: string, action: 'retry' | 'skip', reason?: string) => {
    await resolution.run(() => postJson(`/v1/admin/parked-events/${encodeURIComponent(id)}/${action}`, action === 'skip' ? { reason } : undefined));
    await load();
  };
  return (
    <Section title="Parked events">
      <p class="hint">
        Events a subscriber could not process after its retries, with the error.
        {canResolve && ' Retry sends one to its subscriber again (it leaves the list if it succeeds); skip leaves it unprocessed. Either decision is recorded in the log (who, when, why) for auditors.'}
      </p>
      {resolution.error !== undefined && <Refusal error={resolution.error} />}
      {resolution.data?.resolution && (
        <p role="status" data-testid="parked-resolution">
          {resolution.data.id} {resolution.data.resolution.action}; recorded in the log as{' '}
          {canReadHistory ? <a href={href.stream(resolution.data.decisionStream)}>{resolution.data.decisionStream}</a> : <code>{resolution.data.decisionStream}</code>}.
        </p>
      )}
      {parked.error !== undefined && <Refusal error={parked.error} />}
      {parked.data && (parked.data.items.length === 0 ? <p>None parked.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Subscriber</th><th scope="col">Event</th><th scope="col">Parked</th><th scope="col">Attempts</th><th scope="col">Error</th>
              {canResolve && <th scope="col">Resolve</th>}
            </tr>
          </thead>
          <tbody>
            {parked.data.items.map((p) => (
              <tr key={p.id}>
                <td>{p.subscriber}</td>
                <td>{p.type} <span class="muted">{p.streamId} @{p.revision}, position {p.position}</span></td>
                <td><Time iso={p.parkedAt} /></td>
                <td class="num">{p.attempts}</td>
                <td><code>{p.error}</code></td>
                {canResolve && <td><ResolveParked event={p} busy={resolution.busy} resolve={resolve} /></td>}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </Section>
  );
}

function ResolveParked({ event, busy, resolve }: { event: ParkedEvent; busy: boolean; resolve: (id: string, action: 'retry' | 'skip', reason?: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); void resolve(event.id, 'skip', reason); }}>
      <button type="button" disabled={busy} onClick={() => void resolve(event.id, 'retry')}>Retry</button>
      <label class="inline">Reason <input value={reason} required maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} /></label>
      <button type="submit" disabled={busy}>Skip</button>
    </form>
  );
}
