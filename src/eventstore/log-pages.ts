// Walks $all (or a filtered part of it) in pages, in position order, without holding it all, and
// gives the event loop a turn between pages. Every full-log read goes through here: chain
// verification, anchors, export manifests and lines, replays. The embedded store reads
// synchronously, so without the turn a walk over a long log would run on microtasks alone and
// hold every other request (even /health) until it ended, as the catch-up subscription's
// reads would (src/eventstore/sqlite/catch-up-subscription.ts does the same).
import type { AllFilter, EventStore, Position, RecordedEvent } from './event-store.port.js';

export interface LogWalk {
  /** Exclusive start; omitted = from the beginning. */
  after?: Position;
  /** Inclusive end; omitted = to the head as it is when each page is read. */
  upTo?: Position;
  filter?: AllFilter;
  pageSize?: number;
}

export const LOG_PAGE_SIZE = 1000;

/** One turn of the event loop: pending I/O (other requests) runs before the next page is read. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function* logPages(store: EventStore, walk: LogWalk = {}): AsyncGenerator<RecordedEvent[]> {
  const pageSize = walk.pageSize ?? LOG_PAGE_SIZE;
  let after = walk.after;
  for (let first = true; ; first = false) {
    if (!first) await nextTurn();
    const page = await store.readAll({ after, maxCount: pageSize, ...(walk.filter ? { filter: walk.filter } : {}) });
    const inRange = walk.upTo === undefined ? page : page.filter((event) => event.position <= walk.upTo!);
    if (inRange.length > 0) yield inRange;
    if (page.length < pageSize || inRange.length < page.length) return;
    after = page.at(-1)!.position;
  }
}
