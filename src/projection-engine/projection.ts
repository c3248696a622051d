// What a document projection declares: which events it reads, which document each event
// belongs to, and how a document evolves. The engine (projection-engine.ts) does the rest:
// loading, idempotency guards, writes and checkpoints.
import type { RecordedOf } from '../eventstore/event-store.port.js';
import type { CollectionSpec, ReadDocument } from '../readstore/read-store.port.js';

/** The shape of a domain event, as far as the engine needs it (decider files declare the unions). */
export interface EventShape {
  type: string;
  data: unknown;
}

/**
 * `Event` is the union of the events it reads: `documentId` and `evolve` see them typed, as
 * RecordedOf<Event>, because the engine hands on only the types listed in `eventTypes`.
 */
export interface DocumentProjection<D extends ReadDocument = ReadDocument, Event extends EventShape = EventShape> {
  /** Stable name; query routes name it to wait for read-your-writes. */
  name: string;
  /** Bump to rebuild from the start of the log into a fresh collection. */
  version: number;
  /** Its physical name includes the version (e.g. products_v1) so a rebuild can run side by side. */
  collection: CollectionSpec;
  /** Event types it reads; others still advance its checkpoint. */
  eventTypes: readonly Event['type'][];
  /** The document an event belongs to; undefined to ignore the event. */
  documentId(event: RecordedOf<Event>): string | undefined;
  /**
   * Pure: the document after the event, or null to delete it. The engine sets `_id` and
   * `_position` on the result, so evolve need not.
   */
  evolve(current: D | null, event: RecordedOf<Event>): D | null;
}

/**
 * Where a projection keeps its checkpoint and parked events. It carries the version, so a
 * new version starts from the beginning of the log instead of inheriting the old progress.
 */
export function projectionCheckpointName(projection: Pick<DocumentProjection, 'name' | 'version'>): string {
  return `${projection.name}@v${projection.version}`;
}
