// Everything one request caused, across streams and sagas, as a tree: an event's parent is the
// event named by its causationId; events caused by a request (causationId = the request id,
// not an event) are the roots, grouped under that cause.
import type { EventStore, RecordedEvent } from '../../eventstore/event-store.port.js';
import type { ReadStore } from '../../readstore/read-store.port.js';
import { correlationsProjection, MAX_INDEXED_EVENTS, type CorrelationDocument } from '../../../projections/correlations/correlations.projection.js';
import { eventView, type EventView } from '../event-view.js';
import { redactSecrets } from '../redaction.js';

export interface CausationNode {
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  commandType: string;
  actor: unknown;
  children: CausationNode[];
}

export interface CauseNode {
  /** A request id, or an event id not part of this correlation. */
  causationId: string;
  children: CausationNode[];
}

export interface CorrelationView {
  correlationId: string;
  /** In position order. */
  events: EventView[];
  causes: CauseNode[];
  /** True when more than MAX_CORRELATED events carry the id and the rest were left out. */
  truncated: boolean;
}

export const MAX_CORRELATED = MAX_INDEXED_EVENTS;

export function causationTree(events: readonly RecordedEvent[]): CauseNode[] {
  const nodes = new Map<string, CausationNode>();
  for (const event of events) {
    nodes.set(event.eventId, {
      eventId: event.eventId, streamId: event.streamId, revision: event.revision, position: event.position.toString(), type: event.type,
      commandType: event.metadata.commandType, actor: event.metadata.actor, children: [],
    });
  }
  const causes = new Map<string, CauseNode>();
  for (const event of events) {
    const node = nodes.get(event.eventId)!;
    const parent = nodes.get(event.metadata.causationId);
    if (parent && parent !== node) {
      parent.children.push(node);
      continue;
    }
    let cause = causes.get(event.metadata.causationId);
    if (!cause) causes.set(event.metadata.causationId, (cause = { causationId: event.metadata.causationId, children: [] }));
    cause.children.push(node);
  }
  return [...causes.values()];
}

/**
 * The events that carry the correlation id, found through the correlation index
 * (projections/correlations) and read one by one from their streams (`store`: as stored, or with
 * personal values opened): no scan of the log. `mayRead` leaves out events of streams the caller may not read. The answer is bounded to
 * MAX_CORRELATED events.
 */
export async function correlation(
  store: EventStore,
  index: Pick<ReadStore, 'findByIds'>,
  correlationId: string,
  mayRead: (streamId: string) => boolean = () => true,
): Promise<CorrelationView> {
  const entry = (await index.findByIds<CorrelationDocument>(correlationsProjection.collection.name, [correlationId])).get(correlationId);
  const found: RecordedEvent[] = [];
  for (const place of entry?.events ?? []) {
    if (!mayRead(place.streamId)) continue;
    const [event] = await store.readStream(place.streamId, { fromRevision: place.revision, maxCount: 1 });
    if (event) found.push(event);
  }
  return {
    correlationId,
    events: found.map((event) => ({ ...eventView(event), data: redactSecrets(event.data) })),
    causes: causationTree(found),
    truncated: entry?.truncated ?? false,
  };
}
