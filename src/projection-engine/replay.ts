// Replays a range of the log into a projection held in memory (a scratch projection, or a copy of
// a served one) and answers its documents. Nothing is written to the read store.
import type { EventStore, Position } from '../eventstore/event-store.port.js';
import { logPages } from '../eventstore/log-pages.js';
import type { ReadDocument } from '../readstore/read-store.port.js';
import type { DocumentProjection } from './projection.js';
import { applyWrites, ProjectionEngine } from './projection-engine.js';

export interface ReplayRange {
  /** Inclusive. */
  fromPosition?: Position;
  /** Inclusive; default: the head when the replay starts. */
  toPosition?: Position;
  /** recordedAt at or after (ISO-8601). */
  since?: string;
  /** recordedAt before (ISO-8601). */
  until?: string;
}

export interface ReplayResult {
  projection: string;
  fromPosition: string | null;
  toPosition: string | null;
  events: number;
  documents: ReadDocument[];
}

export async function replayProjection(
  store: EventStore,
  projection: DocumentProjection,
  range: ReplayRange = {},
  onProgress?: (position: Position, head: Position) => void,
): Promise<ReplayResult> {
  const head = (await store.headPosition()) ?? 0n;
  const to = range.toPosition !== undefined && range.toPosition < head ? range.toPosition : head;
  const engine = new ProjectionEngine(projection);
  const documents = new Map<string, ReadDocument>();
  const after = range.fromPosition !== undefined && range.fromPosition > 0n ? range.fromPosition - 1n : undefined;
  let events = 0;
  let first: Position | undefined;
  let last: Position | undefined;
  // Paged, with a turn of the event loop between pages: a replay holds no other request.
  for await (const page of logPages(store, { ...(after === undefined ? {} : { after }), upTo: to, filter: { eventTypes: [...projection.eventTypes] } })) {
    const inRange = page.filter((event) => (range.since === undefined || event.recordedAt >= range.since) && (range.until === undefined || event.recordedAt < range.until));
    if (inRange.length > 0) {
      applyWrites(documents, engine.project(documents, inRange).writes);
      events += inRange.length;
      first ??= inRange[0]!.position;
      last = inRange.at(-1)!.position;
    }
    onProgress?.(page.at(-1)!.position, to);
  }
  return {
    projection: projection.name,
    fromPosition: first?.toString() ?? null,
    toPosition: last?.toString() ?? null,
    events,
    documents: [...documents.values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)),
  };
}
