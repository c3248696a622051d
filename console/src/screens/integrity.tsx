// Integrity: walk every stream's hash chain and compare the heads with the anchors; anchor the
// heads now; take a signed export of a range and verify it offline with the CLI.
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, call, getJson, postJson, withQuery, type Query } from '../api';
import type { Can } from '../main';
import { Refusal, Section, short, Time, useCall } from '../parts';
import { href } from '../routes';

const ANCHOR_STREAM = 'audit-anchors';

interface AnchorSummary {
  position: string;
  rootHash: string;
  streamCount: number;
  revision: number;
  recordedAt: string;
  keyId: string | null;
}

/** GET /v1/audit/anchors: each anchor event as stored. */
interface AnchorsPage {
  items: Array<{ revision: number; eventId: string; hash: string; recordedAt: string; data: { position: string; streamHeads: Record<string, unknown>; rootHash: string; streamCount: number; part: number; parts: number; keyId?: string } }>;
  nextRevision: number | null;
}

// Copies of src/audit/verification/log-verifier.ts and src/audit/anchors/*.ts: those modules use
// Node's crypto, which the browser build has no types for (api.ts shares the other answers' types).
interface VerificationReport {
  ok: boolean;
  headPosition: string | null;
  checkedEvents: number;
  checkedStreams: number;
  latestAnchor: AnchorSummary | null;
  anchors: { signed: number; legacyUnsigned: number };
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
  // Bumped when an anchor is recorded here, so the list of anchors reads it.
  const [anchored, setAnchored] = useState(0);
  return (
    <>
      <h1>Integrity</h1>
      {can('audit.verify-log') && <Verify can={can} onAnchored={() => setAnchored((n) => n + 1)} />}
      {can('audit.verify-log') && <Anchors anchored={anchored} />}
      {can('audit.export-events') && <SignedExport />}
    </>
  );
}

/** How far a running verification has walked: the last position checked and the head it walks to. */
interface Walked {
  position: number;
  head: number;
}

type VerifyLine =
  | { kind: 'progress'; position: string; head: string }
  | ({ kind: 'report' } & VerificationReport)
  | { kind: 'error'; code: string; detail: string };

/**
 * GET /v1/audit/verify as NDJSON: progress lines while the walk runs, then the report. The walk
 * lives in this one answer (no job to poll), so the service can run as several instances.
 */
async function verifyWithProgress(onWalked: (walked: Walked) => void): Promise<VerificationReport> {
  const response = await call('GET', '/v1/audit/verify', undefined, 'application/x-ndjson');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const text of lines) {
      if (text === '') continue;
      const line = JSON.parse(text) as VerifyLine;
      if (line.kind === 'progress') onWalked({ position: Number(line.position), head: Number(line.head) });
      else if (line.kind === 'error') throw new ApiProblem(response.status, line.code, line.detail);
      else {
        const { kind: _kind, ...report } = line;
        return report;
      }
    }
  }
  throw new ApiProblem(response.status, 'answer_cut', 'The answer ended before the report: the connection was cut; run verify again');
}

function Verify({ can, onAnchored }: { can: Can; onAnchored(): void }) {
  const report = useCall<VerificationReport>();
  const anchor = useCall<{ recorded: boolean; anchor: AnchorSummary | null }>();
  const [walked, setWalked] = useState<Walked | undefined>(undefined);
  const run = () => {
    setWalked(undefined);
    void report.run(async () => {
      const done = await verifyWithProgress(setWalked);
      const head = Number(done.headPosition ?? 0);
      setWalked({ position: head, head });
      return done;
    });
  };
  const fraction = walked === undefined || walked.head === 0 ? (report.data ? 1 : 0) : Math.min(1, walked.position / walked.head);
  const percent = Math.floor(fraction * 100);

  return (
    <Section title="Verify the log">
      <p>Walks every stream's hash chain from its first event and compares the stream heads with the latest anchors.</p>
      <div class="row">
        <button type="button" class="primary" disabled={report.busy} onClick={run}>
          Run verify
        </button>
        {can('audit.record-anchor') && (
          <button type="button" disabled={anchor.busy} onClick={() => anchor.run(async () => {
          const outcome = await postJson<{ recorded: boolean; anchor: AnchorSummary | null }>('/v1/audit/anchors');
          onAnchored();
          return outcome;
        })}>
            Anchor the heads now
          </button>
        )}
      </div>
      {(report.busy || report.data) && (
        <p aria-busy={report.busy} role="status" class="row">
          <progress data-testid="verify-progress" aria-label="Verification progress" max={100} value={percent} /> {percent} %
          {walked ? ` — checked up to position ${walked.position} of ${walked.head}` : ' — starting…'}
        </p>
      )}
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
      <p class="hint">Anchors: {report.anchors.signed} signed with the audit key{report.anchors.legacyUnsigned > 0 ? `, ${report.anchors.legacyUnsigned} unsigned from before anchors were signed` : ''}.</p>
      <h3>Latest anchor</h3>
      {report.latestAnchor ? (
        <dl class="kv">
          <dt>Recorded</dt><dd><Time iso={report.latestAnchor.recordedAt} /></dd>
          <dt>Anchor</dt><dd>revision {report.latestAnchor.revision} of <a href={href.stream(ANCHOR_STREAM)}>{ANCHOR_STREAM}</a>, position {report.latestAnchor.position}</dd>
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

const ANCHORS_PAGE = 20;

/** The anchors as stored, oldest first, a page at a time: what a witness keeps outside the store. */
function Anchors({ anchored }: { anchored: number }) {
  const [from, setFrom] = useState<number[]>([0]);
  const page = useCall<AnchorsPage>();
  const fromRevision = from.at(-1)!;
  useEffect(() => void page.run(() => getJson('/v1/audit/anchors', { fromRevision, limit: ANCHORS_PAGE })), [fromRevision, anchored]);
  return (
    <Section title="Anchors">
      <p class="hint">
        Each anchor records the stream heads changed since the one before, a root hash over every head, and its signature. Keep copies outside the store:{' '}
        <code>npx orderstream anchors --out witness.ndjson</code>, then <code>npx orderstream verify --witness witness.ndjson</code>.
      </p>
      {page.error !== undefined && <Refusal error={page.error} />}
      {page.data && (page.data.items.length === 0 && fromRevision === 0 ? <p>No anchor yet.</p> : (
        <>
          <table data-testid="anchors">
            <thead>
              <tr><th scope="col">Anchor</th><th scope="col">Recorded</th><th scope="col">Covers up to position</th><th scope="col">Heads changed</th><th scope="col">Streams</th><th scope="col">Root hash</th><th scope="col">Signature</th></tr>
            </thead>
            <tbody>
              {page.data.items.map((anchor) => (
                <tr key={anchor.eventId}>
                  <td class="num"><a href={href.stream(ANCHOR_STREAM, anchor.revision)}>{anchor.revision}</a>{anchor.data.parts > 1 ? ` (part ${anchor.data.part}/${anchor.data.parts})` : ''}</td>
                  <td><Time iso={anchor.recordedAt} /></td>
                  <td class="num">{anchor.data.position}</td>
                  <td class="num">{Object.keys(anchor.data.streamHeads).length}</td>
                  <td class="num">{anchor.data.streamCount}</td>
                  <td><code class="hash" title={anchor.data.rootHash}>{short(anchor.data.rootHash, 16)}</code></td>
                  <td>{anchor.data.keyId ? <span title={anchor.data.keyId}>signed by key {short(anchor.data.keyId, 12)}</span> : <span class="warn">unsigned</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="row" aria-label="Anchor pages">
            <button type="button" disabled={from.length === 1} onClick={() => setFrom(from.slice(0, -1))}>Earlier anchors</button>
            <button type="button" disabled={page.data.nextRevision === null} onClick={() => setFrom([...from, page.data!.nextRevision!])}>Later anchors</button>
          </nav>
        </>
      ))}
    </Section>
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
