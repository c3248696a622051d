// Streams: open a stream by its id and read its events in order, a page at a time, with the
// whole envelope; each event opens to its data as JSON and its hash chain link. Or search the
// log by stream prefix, type, time range and actor, and open the streams of what it finds.
import { useEffect, useState } from 'preact/hooks';
import { getJson, type EventView, type Page } from '../api';
import { ActorName, Refusal, short, Time, useCall } from '../parts';
import { Json } from '../readable-data';
import { href } from '../routes';

const PAGE_SIZE = 25;

export function StreamsScreen({ streamId, fromRevision }: { streamId?: string; fromRevision?: number }) {
  const [typed, setTyped] = useState(streamId ?? '');
  const page = useCall<Page<EventView> & { streamId: string }>();
  // Cursors of the pages before this one, to go back without keeping every page.
  const [trail, setTrail] = useState<Array<string | undefined>>([]);
  const [cursor, setCursor] = useState<string | undefined>();

  useEffect(() => setTyped(streamId ?? ''), [streamId]);
  useEffect(() => {
    setTrail([]);
    setCursor(undefined);
  }, [streamId, fromRevision]);
  useEffect(() => {
    if (!streamId) return page.reset();
    void page.run(() => getJson(`/v1/audit/streams/${encodeURIComponent(streamId)}`, { limit: PAGE_SIZE, ...(cursor ? { cursor } : { fromRevision }) }));
  }, [streamId, fromRevision, cursor]);

  return (
    <>
      <h1>Streams</h1>
      <form
        class="row"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed.trim() !== '') location.hash = href.stream(typed.trim());
        }}
      >
        <label>
          Stream id
          <input name="streamId" placeholder="product-…, order-…, user-…" size={48} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} required />
        </label>
        <button type="submit">Open stream</button>
      </form>
      <p class="hint">
        Stream ids are <code>&lt;kind&gt;-&lt;id&gt;</code>: <code>product-</code>, <code>order-</code>, <code>payment-</code>, <code>shipment-</code>,{' '}
        <code>fulfillment-</code>, <code>user-</code>, <code>data-subject-</code>, <code>parked-event-</code>, <code>audit-anchors</code>, <code>audit-log-YYYY-MM-DD</code>.
      </p>
      {!streamId && <LogSearch />}
      {page.error !== undefined && <Refusal error={page.error} />}
      {page.busy && <p aria-busy="true">Loading…</p>}
      {page.data && streamId && (
        <>
          <p class="row">
            <a href={href.entity(streamId)}>State over time of {streamId}</a>
          </p>
          <EventTable events={page.data.items} />
          <nav class="row" aria-label="Pages">
            <button type="button" disabled={trail.length === 0} onClick={() => { setCursor(trail.at(-1)); setTrail(trail.slice(0, -1)); }}>
              Previous page
            </button>
            <button type="button" disabled={page.data.nextCursor === null} onClick={() => { setTrail([...trail, cursor]); setCursor(page.data!.nextCursor!); }}>
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}

type SearchPage = Page<EventView> & { scannedUpTo: string | null };

/** `datetime-local` is the user's own time zone; the API takes an instant. */
const instant = (local: string): string | undefined => (local === '' ? undefined : new Date(local).toISOString());

function LogSearch() {
  const [fields, setFields] = useState({ streamPrefix: '', type: '', since: '', until: '', actor: '' });
  const [found, setFound] = useState<EventView[]>([]);
  const search = useCall<SearchPage>();
  const run = async (cursor?: string) => {
    const query = {
      streamPrefix: fields.streamPrefix.trim() || undefined, type: fields.type.trim() || undefined, actor: fields.actor.trim() || undefined,
      since: instant(fields.since), until: instant(fields.until), limit: PAGE_SIZE, cursor,
    };
    if (cursor === undefined) setFound([]);
    await search.run(async () => {
      const page = await getJson<SearchPage>('/v1/audit/events', query);
      setFound((before) => [...(cursor === undefined ? [] : before), ...page.items]);
      return page;
    });
  };
  const field = (name: keyof typeof fields, label: string, props: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input name={name} value={fields[name]} onInput={(e) => setFields({ ...fields, [name]: e.currentTarget.value })} {...props} />
    </label>
  );
  return (
    <section aria-labelledby="log-search">
      <h2 id="log-search">Search the log</h2>
      <form class="row" role="search" aria-label="Search the log" onSubmit={(event) => { event.preventDefault(); void run(); }}>
        {field('streamPrefix', 'Stream prefix', { placeholder: 'order-' })}
        {field('type', 'Event type', { placeholder: 'OrderPlaced' })}
        {field('since', 'Since', { type: 'datetime-local' })}
        {field('until', 'Until', { type: 'datetime-local' })}
        {field('actor', 'Actor (user id)')}
        <button type="submit" disabled={search.busy}>Search</button>
      </form>
      {search.error !== undefined && <Refusal error={search.error} />}
      {search.busy && <p aria-busy="true">Searching…</p>}
      {search.data && (
        <>
          {found.length === 0 ? <p>No events match.</p> : (
            <table class="search-results" data-testid="log-search-results">
              <thead><tr><th scope="col">Position</th><th scope="col">Recorded</th><th scope="col">Type</th><th scope="col">Stream</th><th scope="col">Rev</th><th scope="col">Actor</th></tr></thead>
              <tbody>
                {found.map((event) => (
                  <tr key={event.eventId}>
                    <td class="num">{event.position}</td>
                    <td><Time iso={event.recordedAt} /></td>
                    <td>{event.type}</td>
                    <td><a href={href.stream(event.streamId)}>{event.streamId}</a></td>
                    <td class="num">{event.revision}</td>
                    <td><ActorName actor={event.metadata.actor} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {search.data.nextCursor !== null && (
            <p class="row">
              <span class="hint">Searched up to position {search.data.scannedUpTo}.</span>
              <button type="button" onClick={() => void run(search.data!.nextCursor!)}>Search further</button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function EventTable({ events }: { events: EventView[] }) {
  const [openId, setOpenId] = useState<string | undefined>();
  return (
    <table class="events">
      <thead>
        <tr>
          <th scope="col">Rev</th>
          <th scope="col">Position</th>
          <th scope="col">Type</th>
          <th scope="col">Recorded</th>
          <th scope="col">Actor</th>
          <th scope="col">Correlation</th>
          <th scope="col">Causation</th>
          <th scope="col"><span class="visually-hidden">Details</span></th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const open = openId === event.eventId;
          return [
            <tr key={event.eventId} data-revision={event.revision}>
              <td class="num">{event.revision}</td>
              <td class="num">{event.position}</td>
              <td><strong>{event.type}</strong> <span class="muted">v{event.schemaVersion}</span></td>
              <td><Time iso={event.recordedAt} /></td>
              <td><ActorName actor={event.metadata.actor} /></td>
              <td>{event.metadata.correlationId ? <a href={href.story(event.metadata.correlationId)} title={event.metadata.correlationId}>{short(event.metadata.correlationId.slice(event.metadata.correlationId.indexOf(':') + 1), 20)}</a> : '—'}</td>
              <td title={event.metadata.causationId}>{short(event.metadata.causationId)}</td>
              <td>
                <button type="button" aria-expanded={open} onClick={() => setOpenId(open ? undefined : event.eventId)}>
                  {open ? 'Hide' : 'Data'}
                </button>
              </td>
            </tr>,
            open && (
              <tr key={`${event.eventId}-data`} class="details">
                <td colSpan={8}>
                  <div class="split">
                    <div>
                      <h3>Data</h3>
                      <Json value={event.data} />
                    </div>
                    <div>
                      <h3>Envelope</h3>
                      <dl class="kv">
                        <dt>Event id</dt><dd><code>{event.eventId}</code></dd>
                        <dt>Command</dt><dd>{event.metadata.commandType ?? '—'} <code>{event.metadata.commandId ?? ''}</code></dd>
                        <dt>Correlation</dt><dd><code>{event.metadata.correlationId ?? '—'}</code></dd>
                        <dt>Causation</dt><dd><code>{event.metadata.causationId ?? '—'}</code></dd>
                        <dt>Request</dt><dd><code>{event.metadata.requestId ?? '—'}</code></dd>
                        <dt>Occurred</dt><dd><Time iso={event.metadata.occurredAt} /></dd>
                        <dt>Previous hash</dt><dd><code class="hash">{event.metadata.prevHash}</code></dd>
                        <dt>Hash</dt><dd><code class="hash">{event.metadata.hash}</code></dd>
                      </dl>
                    </div>
                  </div>
                </td>
              </tr>
            ),
          ];
        })}
      </tbody>
    </table>
  );
}
