// An entity over time: its state after any revision (a slider), and the diff between two
// moments with the events that caused each change (GET /v1/audit/streams/{id}/state and /diff).
import { useEffect, useState } from 'preact/hooks';
import { getJson, type StateAt, type StateDiff } from '../api';
import { ActorName, Refusal, Time, useCall } from '../parts';
import { InlineJson, Json } from '../readable-data';
import { href } from '../routes';

/** GET /v1/audit/streams/{id}/state and /diff answer these (src/audit/stream-history/streams.http.ts). */
type StateView = StateAt & { streamId: string; kind: string };
type DiffView = StateDiff & { streamId: string; kind: string };

/** A moment as the API takes it: a revision, or a time typed in the reader's zone. */
type MomentInput = { by: 'revision'; revision: number } | { by: 'time'; local: string };

function momentQuery(prefix: 'from' | 'to' | '', moment: MomentInput): Record<string, string | number> {
  const name = (base: string) => (prefix === '' ? base : `${prefix}${base[0]!.toUpperCase()}${base.slice(1)}`);
  return moment.by === 'revision' ? { [name('revision')]: moment.revision } : { [name('at')]: new Date(moment.local).toISOString() };
}

export function EntityScreen({ streamId }: { streamId?: string }) {
  const [typed, setTyped] = useState(streamId ?? '');
  const latest = useCall<StateView>();
  useEffect(() => setTyped(streamId ?? ''), [streamId]);
  useEffect(() => {
    if (!streamId) return latest.reset();
    void latest.run(() => getJson(`/v1/audit/streams/${encodeURIComponent(streamId)}/state`));
  }, [streamId]);

  return (
    <>
      <h1>An entity over time</h1>
      <form class="row" role="search" onSubmit={(e) => { e.preventDefault(); if (typed.trim()) location.hash = href.entity(typed.trim()); }}>
        <label>
          Stream id
          <input name="entityStreamId" size={48} placeholder="product-…, order-…" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} required />
        </label>
        <button type="submit">Open entity</button>
      </form>
      {latest.error !== undefined && <Refusal error={latest.error} />}
      {latest.data && streamId && latest.data.revision !== null && (
        <>
          <p>
            A <strong>{latest.data.kind}</strong> at revision {latest.data.revision} (<Time iso={latest.data.recordedAt} />). <a href={href.stream(streamId)}>Its events</a>
          </p>
          <StateAt streamId={streamId} latestRevision={latest.data.revision} />
          <Diff streamId={streamId} latestRevision={latest.data.revision} />
        </>
      )}
    </>
  );
}

function MomentPicker({ label, value, max, onChange }: { label: string; value: MomentInput; max: number; onChange(moment: MomentInput): void }) {
  return (
    <fieldset class="moment">
      <legend>{label}</legend>
      <label class="inline">
        <input type="radio" name={`${label}-by`} checked={value.by === 'revision'} onChange={() => onChange({ by: 'revision', revision: max })} /> revision
      </label>
      <label class="inline">
        <input type="radio" name={`${label}-by`} checked={value.by === 'time'} onChange={() => onChange({ by: 'time', local: '' })} /> time
      </label>
      {value.by === 'revision' ? (
        <label class="inline">
          <input type="range" min={0} max={max} step={1} value={value.revision} aria-label={`${label}: revision`} onInput={(e) => onChange({ by: 'revision', revision: Number(e.currentTarget.value) })} />
          <input type="number" min={0} max={max} value={value.revision} aria-label={`${label}: revision number`} onInput={(e) => onChange({ by: 'revision', revision: Number(e.currentTarget.value) })} />
        </label>
      ) : (
        <label class="inline">
          <input type="datetime-local" step={1} value={value.local} aria-label={`${label}: time (your zone)`} onInput={(e) => onChange({ by: 'time', local: e.currentTarget.value })} />
        </label>
      )}
    </fieldset>
  );
}

function ready(moment: MomentInput): boolean {
  return moment.by === 'revision' ? Number.isInteger(moment.revision) && moment.revision >= 0 : moment.local !== '';
}

function StateAt({ streamId, latestRevision }: { streamId: string; latestRevision: number }) {
  const [moment, setMoment] = useState<MomentInput>({ by: 'revision', revision: latestRevision });
  const state = useCall<StateView>();
  useEffect(() => setMoment({ by: 'revision', revision: latestRevision }), [streamId, latestRevision]);
  useEffect(() => {
    if (!ready(moment)) return;
    // A slider sends many values: ask once it rests.
    const timer = setTimeout(() => void state.run(() => getJson(`/v1/audit/streams/${encodeURIComponent(streamId)}/state`, momentQuery('', moment))), 150);
    return () => clearTimeout(timer);
  }, [streamId, moment.by === 'revision' ? moment.revision : moment.local]);
  return (
    <section aria-label="State at a moment">
      <h2>State at a moment</h2>
      <MomentPicker label="State after" value={moment} max={latestRevision} onChange={setMoment} />
      {state.error !== undefined && <Refusal error={state.error} />}
      {state.data && (
        <div data-testid="state-at">
          <p>{state.data.revision === null ? 'Before the first event.' : <>After revision <strong>{state.data.revision}</strong>, recorded <Time iso={state.data.recordedAt} />.</>}</p>
          <Json value={state.data.state} />
        </div>
      )}
    </section>
  );
}

function Diff({ streamId, latestRevision }: { streamId: string; latestRevision: number }) {
  const [from, setFrom] = useState<MomentInput>({ by: 'revision', revision: 0 });
  const [to, setTo] = useState<MomentInput>({ by: 'revision', revision: latestRevision });
  const diff = useCall<DiffView>();
  useEffect(() => {
    setFrom({ by: 'revision', revision: 0 });
    setTo({ by: 'revision', revision: latestRevision });
    diff.reset();
  }, [streamId, latestRevision]);
  return (
    <section aria-label="Diff between two moments">
      <h2>What changed between two moments</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void diff.run(() => getJson(`/v1/audit/streams/${encodeURIComponent(streamId)}/diff`, { ...momentQuery('from', from), ...momentQuery('to', to) }));
        }}
      >
        <div class="row">
          <MomentPicker label="From" value={from} max={latestRevision} onChange={setFrom} />
          <MomentPicker label="To" value={to} max={latestRevision} onChange={setTo} />
        </div>
        <button type="submit" disabled={!ready(from) || !ready(to)}>Show the diff</button>
      </form>
      {diff.error !== undefined && <Refusal error={diff.error} />}
      {diff.data && (
        <div data-testid="diff">
          <p>
            From revision {diff.data.from.revision ?? 'none'} (<Time iso={diff.data.from.recordedAt} />) to revision {diff.data.to.revision ?? 'none'} (<Time iso={diff.data.to.recordedAt} />):{' '}
            {diff.data.changes.length === 0 ? 'nothing changed.' : `${diff.data.changes.length} field${diff.data.changes.length === 1 ? '' : 's'} changed.`}
          </p>
          {diff.data.changes.length > 0 && (
            <table>
              <thead>
                <tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Changed by</th></tr>
              </thead>
              <tbody>
                {diff.data.changes.map((change) => (
                  <tr key={change.path}>
                    <td><code>{change.path}</code></td>
                    <td><InlineJson class="before" value={change.before} /></td>
                    <td><InlineJson class="after" value={change.after} /></td>
                    <td>
                      <ul class="plain">
                        {change.changedBy.map((event) => (
                          <li key={event.eventId}>
                            <a href={href.stream(streamId, event.revision)}>{event.type} @{event.revision}</a> <Time iso={event.recordedAt} /> <ActorName actor={event.actor} />
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
