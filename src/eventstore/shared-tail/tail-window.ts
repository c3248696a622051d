// The recent end of $all as one reader has read it: a bounded window of events that every
// subscription at the live end takes its events from, instead of each reading (and parsing,
// upcasting, opening) them from the store itself. Events are addressed by an absolute index that
// never goes back, so a subscription that let the window slide past it notices (index < base).
import type { Position, RecordedEvent } from '../event-store.port.js';

export class TailWindow {
  private readonly events: RecordedEvent[] = [];
  /** Absolute index of events[0]. */
  private base = 0;
  /**
   * Every event after this position, up to `scanned`, is in the window. Undefined: from the very
   * beginning of the log (the reader started on an empty store and has dropped nothing yet).
   */
  private start: Position | undefined;
  private scannedUpTo: Position | undefined;

  constructor(
    /** Events kept at least; the oldest are dropped in chunks once a quarter more have come. */
    private readonly capacity: number,
    startsAfter: Position | undefined,
  ) {
    if (!(Number.isSafeInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.start = startsAfter;
    this.scannedUpTo = startsAfter;
  }

  /** Everything up to here has been read (events, and what a caught-up marker vouched for). */
  get scanned(): Position | undefined {
    return this.scannedUpTo;
  }

  /** Index one past the newest event. */
  get end(): number {
    return this.base + this.events.length;
  }

  /** Every event after this position that has been read is here; undefined: from the beginning. */
  get startsAfter(): Position | undefined {
    return this.start;
  }

  /** Whether the event at `index` has been dropped. */
  dropped(index: number): boolean {
    return index < this.base;
  }

  at(index: number): RecordedEvent {
    return this.events[index - this.base]!;
  }

  /** Index of the first event after `cursor` (the window must cover it). */
  indexAfter(cursor: Position | undefined): number {
    if (cursor === undefined) return this.base;
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle]!.position <= cursor) low = middle + 1;
      else high = middle;
    }
    return this.base + low;
  }

  push(event: RecordedEvent): void {
    this.events.push(event);
    this.scannedUpTo = event.position;
    if (this.events.length >= this.capacity + Math.ceil(this.capacity / 4)) {
      const dropped = this.events.splice(0, this.events.length - this.capacity);
      this.base += dropped.length;
      this.start = dropped.at(-1)!.position;
    }
  }

  /** The reader is caught up at `position`: nothing between the last event and it matched. */
  scannedTo(position: Position | undefined): void {
    if (position !== undefined && (this.scannedUpTo === undefined || position > this.scannedUpTo)) this.scannedUpTo = position;
  }
}
