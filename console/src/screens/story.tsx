// A request's story: every event one correlation id caused, across streams and the saga, drawn
// as the causation tree the API answers (GET /v1/audit/correlations/{id}).
import { useEffect, useState } from 'preact/hooks';
import { getJson, type CausationNode, type CorrelationView, type EventView } from '../api';
import { ActorName, Refusal, Time, useCall } from '../parts';
import { Json } from '../readable-data';
import { href } from '../routes';

export function StoryScreen({ correlationId }: { correlationId?: string }) {
  const [typed, setTyped] = useState(correlationId ?? '');
  const story = useCall<CorrelationView>();
  const [selected, setSelected] = useState<string | undefined>();
  useEffect(() => setTyped(correlationId ?? ''), [correlationId]);
  useEffect(() => {
    setSelected(undefined);
    if (!correlationId) return story.reset();
    void story.run(() => getJson(`/v1/audit/correlations/${encodeURIComponent(correlationId)}`));
  }, [correlationId]);
  const byId = new Map((story.data?.events ?? []).map((event) => [event.eventId, event]));
  const chosen = selected ? byId.get(selected) : undefined;

  return (
    <>
      <h1>A request's story</h1>
      <form class="row" role="search" onSubmit={(e) => { e.preventDefault(); if (typed.trim()) location.hash = href.story(typed.trim()); }}>
        <label>
          Correlation id
          <input name="correlationId" size={60} placeholder="from an event's envelope or an answer's X-Correlation-Id" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} required />
        </label>
        <button type="submit">Show the story</button>
      </form>
      {story.error !== undefined && <Refusal error={story.error} />}
      {story.busy && <p aria-busy="true">Loading…</p>}
      {story.data && (
        <>
          <p>
            {story.data.events.length} events in {new Set(story.data.events.map((e) => e.streamId)).size} streams
            {story.data.events.length > 0 && <>, from <Time iso={story.data.events[0]!.recordedAt} /> to <Time iso={story.data.events.at(-1)!.recordedAt} /></>}.
            {story.data.truncated && <strong> Only the first events are shown (truncated).</strong>}
          </p>
          <div class="split">
            <div class="tree" data-testid="causation-tree">
              {story.data.causes.map((cause) => (
                <div key={cause.causationId} class="cause">
                  <p class="muted">caused by <code>{cause.causationId}</code></p>
                  <Branch nodes={cause.children} byId={byId} selected={selected} onSelect={setSelected} />
                </div>
              ))}
            </div>
            <div class="event-detail" aria-live="polite">
              {chosen ? (
                <>
                  <h3>{chosen.type}</h3>
                  <p><a href={href.stream(chosen.streamId, chosen.revision)}>{chosen.streamId}</a> revision {chosen.revision}, position {chosen.position}</p>
                  <p><Time iso={chosen.recordedAt} /> by <ActorName actor={chosen.metadata.actor} /> ({chosen.metadata.commandType ?? 'no command'})</p>
                  <Json value={chosen.data} />
                </>
              ) : (
                <p class="muted">Choose an event in the tree to see its data.</p>
              )}
            </div>
          </div>
        </>
      )}
    </>
  );
}

function Branch({ nodes, byId, selected, onSelect }: { nodes: CausationNode[]; byId: Map<string, EventView>; selected?: string; onSelect(id: string): void }) {
  if (nodes.length === 0) return null;
  return (
    <ul>
      {nodes.map((node) => (
        <li key={node.eventId}>
          <button type="button" class="node" aria-pressed={selected === node.eventId} onClick={() => onSelect(node.eventId)}>
            <strong>{node.type}</strong> <span class="muted">{node.streamId} @{node.revision}</span>
            <span class="when"><Time iso={byId.get(node.eventId)?.recordedAt} /></span>
          </button>
          <span class="muted small"> via {node.commandType || '—'}</span>
          <Branch nodes={node.children} byId={byId} selected={selected} onSelect={onSelect} />
        </li>
      ))}
    </ul>
  );
}
