// Integrity: walk every stream's hash chain and compare the heads with the anchors; anchor the
// heads now; take a signed export of a range and verify it offline with the CLI.
import { useEffect, useState } from 'preact/hooks';
import { call, getJson, postJson, withQuery, type Query } from '../api';
import type { Can } from '../main';
import { Refusal, Section, short, Time, useCall } from '../parts';
import { href } from '../routes';

interface AnchorSummary {
  position: string;
  rootHash: string;
  streamCount: number;
  revision: number;
  recordedAt: string;
}

interface VerificationReport {
  ok: boolean;
  headPosition: string | null;
  checkedEvents: number;
  checkedStreams: number;
  latestAnchor: AnchorSummary | null;
  problems: Array<{ streamId: string; revision: number; eventId: string | null; position: string | null; reason: string; detail: string }>;
  problemCount: number;
}

const REASONS: Record<string, string> = {
  hash_mismatch: "the event's content is not what was hashed when it was written",
  prev_hash_mismatch: 'the event does not follow the previous one (an event was edited or removed)',
  revision_gap: 'a revision is missing or out of order',
  truncated: 'the stream ends before a revision an anchor recorded',
  anchor_mismatch: 'the event at an anchored revision has another hash than the anchor recorded',
  anchor_invalid: "an anchor's root hash does not match its heads",
};

export function IntegrityScreen({ can }: { can: Can }) {
  return (
    <>
      <h1>Integrity</h1>
      {can('audit.verify-log') && <Verify can={can} />}
      {can('audit.export-events') && <SignedExport />}
    </>
  );
}

function Verify({ can }: { can: Can }) {
  const report = useCall<VerificationReport>();
  const anchor = useCall<{ recorded: boolean; anchor: AnchorSummary | null }>();
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (!report.busy) return;
    const started = performance.now();
    const timer = setInterval(() => setElapsed(Math.round((performance.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [report.busy]);

  return (
    <Section title="Verify the log">
      <p>Walks every stream's hash chain from its first event and compares the stream heads with the latest anchors.</p>
      <div class="row">
        <button type="button" class="primary" disabled={report.busy} onClick={() => report.run(() => getJson('/v1/audit/verify'))}>
          Run verify
        </button>
        {can('audit.record-anchor') && (
          <button type="button" disabled={anchor.busy} onClick={() => anchor.run(() => postJson('/v1/audit/anchors'))}>
            Anchor the heads now
          </button>
        )}
      </div>
      {report.busy && <p aria-busy="true" role="status">Verifying… {elapsed > 0 ? `${elapsed} s` : ''} (the service answers when the walk is done)</p>}
      {report.error !== undefined && <Refusal error={report.error} />}
      {anchor.error !== undefined && <Refusal error={anchor.error} />}
      {anchor.data && (
        <p role="status">{anchor.data.recorded ? 'Anchored the stream heads' : 'Nothing changed since the latest anchor'}{anchor.data.anchor ? `: ${anchor.data.anchor.streamCount} streams, root ${short(anchor.data.anchor.rootHash, 16)}` : ''}.</p>
      )}
      {report.data && <Report report={report.data} />}
    </Section>
  );
}

function Report({ report }: { report: VerificationReport }) {
  return (
    <div data-testid="verify-report">
      <p class={report.ok ? 'verdict ok' : 'verdict broken'} role="status">
        {report.ok ? 'Intact' : `Broken: ${report.problemCount} stream${report.problemCount === 1 ? '' : 's'} with a broken link`} — {report.checkedEvents} events in {report.checkedStreams} streams checked up to position {report.headPosition ?? '—'}.
      </p>
      <h3>Latest anchor</h3>
      {report.latestAnchor ? (
        <dl class="kv">
          <dt>Recorded</dt><dd><Time iso={report.latestAnchor.recordedAt} /></dd>
          <dt>Anchor</dt><dd>revision {report.latestAnchor.revision} of <a href={href.stream('audit-anchors')}>audit-anchors</a>, position {report.latestAnchor.position}</dd>
          <dt>Streams</dt><dd>{report.latestAnchor.streamCount}</dd>
          <dt>Root hash</dt><dd><code class="hash">{report.latestAnchor.rootHash}</code></dd>
        </dl>
      ) : (
        <p class="muted">No anchor yet: only the chains cover the log (a stream cut at its tail would not show).</p>
      )}
      {report.problems.length > 0 && (
        <>
          <h3>First broken link per stream</h3>
          <table>
            <thead>
              <tr><th scope="col">Stream</th><th scope="col">Revision</th><th scope="col">Position</th><th scope="col">Reason</th><th scope="col">Detail</th></tr>
            </thead>
            <tbody>
              {report.problems.map((problem) => (
                <tr key={`${problem.streamId}-${problem.revision}`} class="broken-link">
                  <td><a href={href.stream(problem.streamId, Math.max(0, problem.revision - 1))}>{problem.streamId}</a></td>
                  <td class="num">{problem.revision}</td>
                  <td class="num">{problem.position ?? '—'}</td>
                  <td><code>{problem.reason}</code><br /><span class="muted">{REASONS[problem.reason] ?? ''}</span></td>
                  <td>{problem.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.problemCount > report.problems.length && <p class="muted">{report.problemCount - report.problems.length} more not listed.</p>}
        </>
      )}
    </div>
  );
}

interface ExportFiles {
  name: string;
  count: number;
  files: Array<{ label: string; fileName: string; url: string }>;
}

function SignedExport() {
  const [filter, setFilter] = useState({ streamPrefix: '', type: '', since: '', until: '', fromPosition: '', toPosition: '' });
  const exported = useCall<ExportFiles>();
  useEffect(() => () => exported.data?.files.forEach((file) => URL.revokeObjectURL(file.url)), [exported.data]);
  const set = (name: keyof typeof filter) => (e: { currentTarget: HTMLInputElement }) => setFilter({ ...filter, [name]: e.currentTarget.value });
  const field = (name: keyof typeof filter, label: string, placeholder: string) => (
    <label>
      {label}
      <input type="text" name={name} placeholder={placeholder} value={filter[name]} onInput={set(name)} />
    </label>
  );
  const moment = (name: 'since' | 'until', label: string) => (
    <label>
      {label}
      <input type="datetime-local" step={1} name={name} value={filter[name]} onInput={set(name)} />
    </label>
  );

  async function take(): Promise<ExportFiles> {
    const query: Query = {
      streamPrefix: filter.streamPrefix.trim(),
      type: filter.type.trim(),
      since: filter.since === '' ? undefined : new Date(filter.since).toISOString(),
      until: filter.until === '' ? undefined : new Date(filter.until).toISOString(),
      fromPosition: filter.fromPosition.trim(),
      toPosition: filter.toPosition.trim(),
    };
    // The manifest pins the range (toPosition = the head then); the events asked with that range
    // are exactly the lines it signed.
    const signed = await getJson<{ manifest: { count: number; filter: { toPosition: string } } & Record<string, unknown>; signature: string; publicKey: string }>('/v1/audit/export/manifest', query);
    const ndjson = await (await call('GET', withQuery('/v1/audit/export/events', { ...query, toPosition: signed.manifest.filter.toPosition }))).blob();
    const name = `orderstream-export-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
    const blob = (text: string, type: string) => URL.createObjectURL(new Blob([text], { type }));
    return {
      name,
      count: signed.manifest.count,
      files: [
        { label: 'Events (NDJSON, as stored)', fileName: `${name}.ndjson`, url: URL.createObjectURL(ndjson) },
        // verify-export checks the signature over the manifest's canonical form, so any JSON layout verifies.
        { label: 'Manifest', fileName: `${name}.manifest.json`, url: blob(JSON.stringify(signed.manifest, null, 2), 'application/json') },
        { label: 'Signature (Ed25519)', fileName: `${name}.manifest.json.sig`, url: blob(`${signed.signature}\n`, 'text/plain') },
        { label: 'Public key (check it against a copy you trust)', fileName: `${name}.public-key.pem`, url: blob(signed.publicKey, 'application/x-pem-file') },
      ],
    };
  }

  return (
    <Section title="Signed export">
      <p>Every event of a range exactly as stored, a manifest (count, positions, filter, sha256 and a Merkle root) and its signature. Leave a filter empty to take everything your roles may read.</p>
      <form
        class="grid"
        onSubmit={(event) => {
          event.preventDefault();
          void exported.run(take);
        }}
      >
        {field('streamPrefix', 'Stream prefixes', 'product-,order-')}
        {field('type', 'Event types', 'StockReceived,PriceChanged')}
        {moment('since', 'Recorded from (your zone)')}
        {moment('until', 'Recorded before (your zone)')}
        {field('fromPosition', 'From position', '1')}
        {field('toPosition', 'To position', 'the head')}
        <div><button type="submit" class="primary" disabled={exported.busy}>{exported.busy ? 'Exporting…' : 'Take a signed export'}</button></div>
      </form>
      {exported.error !== undefined && <Refusal error={exported.error} />}
      {exported.data && (
        <div data-testid="export-files">
          <p role="status">{exported.data.count} events exported. Save all four files in one folder:</p>
          <ul>
            {exported.data.files.map((file) => (
              <li key={file.fileName}>
                <a href={file.url} download={file.fileName}>{file.fileName}</a> <span class="muted">{file.label}</span>
              </li>
            ))}
          </ul>
          <p>Verify it offline, on any machine with this repository (no service, no network):</p>
          <pre class="command">npm run cli -- verify-export {exported.data.name}.ndjson --public-key {exported.data.name}.public-key.pem</pre>
          <p class="hint">It checks the signature with the public key, the manifest against the file (sha256, count, Merkle root) and every event against its own chain hash. Use a public key you got by a trusted channel (<code>GET /v1/audit/export/public-key</code> or your operators), not only the one saved here.</p>
        </div>
      )}
    </Section>
  );
}
