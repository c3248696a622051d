// Access log (admins): who read which history, when (GET /v1/admin/audit-reads), oldest first.
import { useEffect, useState } from 'preact/hooks';
import { getJson, type Page } from '../api';
import { ActorName, Refusal, Time, useCall } from '../parts';

interface AuditRead {
  method: string;
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  actor: unknown;
  at: string;
  requestId: string | null;
  position: string;
}

export function AccessLogScreen() {
  const [since, setSince] = useState('');
  const [cursor, setCursor] = useState<string | undefined>();
  const [trail, setTrail] = useState<Array<string | undefined>>([]);
  const page = useCall<Page<AuditRead>>();
  useEffect(() => {
    void page.run(() => getJson('/v1/admin/audit-reads', { limit: 50, cursor, since: since === '' ? undefined : new Date(since).toISOString() }));
  }, [cursor, since]);
  return (
    <>
      <h1>Access log</h1>
      <p>Every answered read of audit data and exports, recorded on the hash-chained <code>audit-log-YYYY-MM-DD</code> streams before the answer was sent (your own reads here included).</p>
      <label class="row">
        Reads from
        <input type="datetime-local" name="since" value={since} onInput={(e) => { setSince(e.currentTarget.value); setCursor(undefined); setTrail([]); }} />
      </label>
      {page.error !== undefined && <Refusal error={page.error} />}
      {page.data && (
        <>
          <table data-testid="access-log">
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Route</th><th scope="col">What</th></tr></thead>
            <tbody>
              {page.data.items.map((read) => (
                <tr key={read.position}>
                  <td><Time iso={read.at} /></td>
                  <td><ActorName actor={read.actor} /></td>
                  <td><code>{read.method} {read.route}</code></td>
                  <td><code>{[...Object.entries(read.params), ...Object.entries(read.query)].map(([k, v]) => `${k}=${v}`).join(' ')}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="row" aria-label="Pages">
            <button type="button" disabled={trail.length === 0} onClick={() => { setCursor(trail.at(-1)); setTrail(trail.slice(0, -1)); }}>Previous page</button>
            <button type="button" disabled={page.data.nextCursor === null} onClick={() => { setTrail([...trail, cursor]); setCursor(page.data!.nextCursor!); }}>Next page</button>
          </nav>
        </>
      )}
    </>
  );
}
