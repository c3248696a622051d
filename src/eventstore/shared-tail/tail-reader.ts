// The one reader of the live end of $all: a single unfiltered subscription of the store it wraps,
// started after the head as it was when the first subscriber joined, whose events go into a
// bounded TailWindow. It never waits for a subscriber: a slow one lets the window slide past it
// and catches up by a read of its own (shared-tail-event-store.ts).
import type { EventStore, Position } from '../event-store.port.js';
import { CommitNotifier } from '../sqlite/commit-notifier.js';
import { TailWindow } from './tail-window.js';

export class TailReader {
  /** Set once the head is known and the window exists. */
  window: TailWindow | undefined;
  /** Whether the reader has reached the live end of the log once. */
  live = false;
  /** Set when the reader stopped: by the store ending its subscription, or with the store's error. */
  ended: { error?: unknown } | undefined;
  readonly started: Promise<void>;
  private readonly stopping = new AbortController();
  /** The store's own wake-up list, reused: here it announces what the reader has added to the window. */
  private readonly arrivals = new CommitNotifier();
  private wakeScheduled = false;

  constructor(
    private readonly store: EventStore,
    capacity: number,
  ) {
    this.started = this.open(capacity);
  }

  stop(): void {
    this.stopping.abort();
  }

  /** Resolves when the window has changed (new events, caught up, ended) or `signal` aborts. */
  changed(signal: AbortSignal | undefined): Promise<void> {
    return this.ended ? Promise.resolve() : this.arrivals.next(signal);
  }

  private async open(capacity: number): Promise<void> {
    try {
      const head = await this.store.headPosition();
      this.window = new TailWindow(capacity, head);
      void this.follow(this.window, head);
    } catch (error) {
      this.ended = { error };
    }
  }

  private async follow(window: TailWindow, head: Position | undefined): Promise<void> {
    try {
      for await (const message of this.store.subscribeToAll({ after: head, signal: this.stopping.signal })) {
        if (message.kind === 'event') window.push(message.event);
        else {
          window.scannedTo(message.position);
          this.live = true;
        }
        this.scheduleWake();
      }
      this.ended = {};
    } catch (error) {
      this.ended = { error };
    } finally {
      this.wakeAll();
    }
  }

  /**
   * Wakes the subscribers once the store has handed over what it read in one go: a page arrives
   * as a run of microtasks, and waking on the first event would have each subscriber take one.
   */
  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wakeAll();
    });
  }

  private wakeAll(): void {
    this.arrivals.notify();
  }
}
