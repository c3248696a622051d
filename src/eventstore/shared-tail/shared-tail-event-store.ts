// A decorator of the EventStore port whose subscriptions share one read of the live end of $all.
// Every subscriber of a process (projections, the saga, relays, workers) follows the same tail;
// reading it once, and parsing, upcasting and opening personal data once (the decorators below
// this one), is what a dozen subscribers each doing it for themselves cost before.
//
// A subscription catches up by its own read of the store it wraps until it reaches the window of
// recent events the one TailReader keeps, then takes its events from there, filtered here. The
// reader never waits for a subscription: one that is slow (or parked, or paused by its own
// back-pressure) lets the window slide past it, notices, and catches up by its own read again
// before it rejoins. Each subscription keeps its own pace, its own checkpoint (the caller's), and
// the port's promise: every matching event after `after`, in position order, none twice.
import type { AllFilter, EventStore, Position, RecordedEvent, SubscribeOptions, SubscriptionMessage } from '../event-store.port.js';
import { DelegatingEventStore } from '../delegating-event-store.js';
import { nextTurn } from '../log-pages.js';
import { TailReader } from './tail-reader.js';

export interface SharedTailOptions {
  /** Recent events kept for the subscriptions at the live end; one further behind reads on its own. */
  windowEvents?: number;
  /** Events a subscription behind the window reads at a time (a rebuild, a restart, a slow subscriber). */
  catchUpPageEvents?: number;
}

/** A few batches of the busiest service (a commit of 1,024 appends) and little memory (~2 KB an event). */
export const DEFAULT_WINDOW_EVENTS = 4096;
export const DEFAULT_CATCH_UP_PAGE_EVENTS = 1000;

/** Keeps what a subscription's filter keeps, as the stores do (stream id prefix, exact type). */
function matcher(filter: AllFilter | undefined): (event: RecordedEvent) => boolean {
  const types = filter?.eventTypes ? new Set(filter.eventTypes) : undefined;
  const prefixes = filter?.streamPrefixes;
  if (!types && !prefixes) return () => true;
  return (event) => (!types || types.has(event.type)) && (!prefixes || prefixes.some((prefix) => event.streamId.startsWith(prefix)));
}

const later = (a: Position | undefined, b: Position | undefined): Position | undefined => (a === undefined ? b : b === undefined || a >= b ? a : b);

export class SharedTailEventStore extends DelegatingEventStore {
  private tail: TailReader | undefined;
  private followers = 0;
  private readonly windowEvents: number;
  private readonly catchUpPage: number;

  constructor(inner: EventStore, options: SharedTailOptions = {}) {
    super(inner);
    this.windowEvents = options.windowEvents ?? DEFAULT_WINDOW_EVENTS;
    this.catchUpPage = options.catchUpPageEvents ?? DEFAULT_CATCH_UP_PAGE_EVENTS;
  }

  override subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionMessage> {
    return { [Symbol.asyncIterator]: () => oneByOne(this.follow(options), options.signal) };
  }

  /**
   * The same subscription in runs of messages as they were read (a page, what the tail brought):
   * a consumer that buffers them (the subscription runner) saves an await per event, a third of
   * a rebuild's time once reading and parsing were shared.
   */
  subscribeInRuns(options: SubscribeOptions = {}): AsyncIterable<readonly SubscriptionMessage[]> {
    return { [Symbol.asyncIterator]: () => this.follow(options) };
  }

  override close(): Promise<void> {
    this.tail?.stop();
    return this.inner.close();
  }

  /** The tail every subscription shares; a new one after the last one ended (an outage, a closed store). */
  private join(): TailReader {
    this.followers += 1;
    if (this.tail === undefined || this.tail.ended) this.tail = new TailReader(this.inner, this.windowEvents);
    return this.tail;
  }

  private leave(tail: TailReader): void {
    this.followers -= 1;
    if (this.followers === 0 && this.tail === tail) {
      tail.stop();
      this.tail = undefined;
    }
  }

  private async *follow({ after, filter, signal }: SubscribeOptions): AsyncGenerator<SubscriptionMessage[]> {
    const keeps = matcher(filter);
    const tail = this.join();
    // Everything at or below `cursor` has been delivered or filtered out: it only grows.
    let cursor = after;
    let caughtUpSent = false;
    try {
      await tail.started;
      // Only events the tail reads from now on are taken from the window; those before, the
      // subscription reads itself. What the decorators below did to an event (opening personal
      // data) is then never older than the subscription: a rebuild started after an erasure sees
      // every event erased, as it would reading on its own.
      const joinedAt = tail.window?.scanned;
      while (!signal?.aborted) {
        const window = tail.window;
        if (window === undefined) break; // the store did not answer: the error is thrown below
        const windowStart = later(window.startsAfter, joinedAt);
        if (windowStart !== undefined && (cursor === undefined || cursor < windowStart)) {
          // Behind the window: read on our own up to where it starts. Everything up to there was
          // durable before the tail reader saw it, so a plain read of $all may serve it.
          const page = await this.inner.readAll({ after: cursor, maxCount: this.catchUpPage, filter });
          const run: SubscriptionMessage[] = [];
          let reachedWindow = page.length < this.catchUpPage;
          for (const event of page) {
            if (event.position > windowStart) {
              reachedWindow = true;
              break;
            }
            cursor = event.position;
            run.push({ kind: 'event', event });
          }
          if (run.length > 0) yield run;
          if (reachedWindow) cursor = later(cursor, windowStart);
          else await nextTurn();
          continue;
        }
        let index = window.indexAfter(cursor);
        while (!window.dropped(index) && !signal?.aborted) {
          if (index < window.end) {
            const run: SubscriptionMessage[] = [];
            for (const end = window.end; index < end; index += 1) {
              const event = window.at(index);
              cursor = event.position;
              if (keeps(event)) run.push({ kind: 'event', event });
            }
            if (run.length > 0) yield run;
          } else if (!caughtUpSent && tail.live) {
            caughtUpSent = true;
            yield [{ kind: 'caughtUp', position: later(cursor, window.scanned) }];
          } else if (tail.ended) {
            break;
          } else {
            await tail.changed(signal);
          }
        }
        // Dropped: the window slid past us while we were suspended; catch up from the cursor again.
        if (!window.dropped(index)) break;
      }
      if (tail.ended?.error !== undefined && !signal?.aborted) throw tail.ended.error;
    } finally {
      this.leave(tail);
    }
  }
}

async function* oneByOne(runs: AsyncGenerator<SubscriptionMessage[]>, signal: AbortSignal | undefined): AsyncGenerator<SubscriptionMessage> {
  for await (const run of runs) {
    for (const message of run) {
      yield message;
      if (signal?.aborted) return;
    }
  }
}
