// Walks $all (or a filtered part of it) in pages, in position order, without holding it all.
import type { AllFilter, EventStore, Position, RecordedEvent } from '../eventstore/event-store.port.js';

export interface LogWalk {
  /** Exclusive start; omitted = from the beginning. */
  after?: Position;
  /** Inclusive end; omitted = to the head as it is when each page is read. */
  upTo?: Position;
  filter?: AllFilter;
  pageSize?: number;
}

export async function* logPages(store: EventStore, walk: LogWalk = {}): AsyncGenerator<RecordedEvent[]> {
  const pageSize = walk.pageSize ?? 1000;
  let after = walk.after;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, ...(walk.filter ? { filter: walk.filter } : {}) });
    const inRange = walk.upTo === undefined ? page : page.filter((event) => event.position <= walk.upTo!);
    if (inRange.length > 0) yield inRange;
    if (page.length < pageSize || inRange.length < page.length) return;
    after = page.at(-1)!.position;
  }
}
