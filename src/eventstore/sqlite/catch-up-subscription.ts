// A catch-up subscription to $all over any paged reader: history after the checkpoint,
// one caughtUp marker, then live events as commits are announced.
import type { Position, RecordedEvent, SubscriptionMessage } from '../event-store.port.js';
import type { CommitNotifier } from './commit-notifier.js';

export interface CatchUpSource {
  /** Matching events after `after`, in position order, at most `maxCount`. */
  readPage(after: Position, maxCount: number): RecordedEvent[];
  /** Last committed position; read in the same synchronous step as readPage. */
  head(): Position | undefined;
  isOpen(): boolean;
  commits: CommitNotifier;
}

const PAGE_SIZE = 500;

export async function* catchUp(
  source: CatchUpSource,
  from: Position | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<SubscriptionMessage> {
  // Everything at or below `scanned` has been delivered or filtered out. It only grows, so
  // nothing is delivered twice; it only grows past what a read has covered, so nothing is skipped.
  let scanned = from ?? 0n;
  let caughtUp = false;
  while (!signal?.aborted && source.isOpen()) {
    // Both reads are synchronous and commits only happen in another macrotask, so the page
    // holds every matching event up to `head`.
    const head = source.head();
    const page = source.readPage(scanned, PAGE_SIZE);
    for (const event of page) {
      scanned = event.position;
      yield { kind: 'event', event };
      if (signal?.aborted) return;
    }
    if (page.length === PAGE_SIZE) {
      // The reads are synchronous and so, often, is the consumer: without a turn of the event
      // loop between pages, a long catch-up would run on microtasks alone and starve all I/O
      // (HTTP requests, even listen()) until it reached the head.
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    // A filter may have skipped events up to the head: no need to scan them again.
    if (head !== undefined && head > scanned) scanned = head;
    if (!caughtUp) {
      caughtUp = true;
      yield { kind: 'caughtUp', position: head };
    }
    // Commits may have happened while we were suspended at a yield; wait only if not.
    if ((source.head() ?? 0n) <= scanned) await source.commits.next(signal);
  }
}
