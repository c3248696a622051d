// An in-memory sliding-window rate limiter: a key may make `limit` requests in any window
// (a minute, say); the next one is refused, with the seconds until the oldest counted request
// leaves the window (the Retry-After header). Requests are counted in one-second slots, and the
// window kept is one slot longer than asked, so the limit holds for every window-long span,
// erring by at most a second on the strict side. Memory per key is fixed (a few hundred bytes)
// whatever the limit, and the number of keys is bounded.
//
// In memory and per process: with several instances behind a load balancer each enforces its
// own budget, so the effective limit is the per-instance one times the instance count.

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one more request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

interface Window {
  /** Requests per slot, indexed by absolute slot number modulo the slot count. */
  counts: Uint32Array;
  /** Absolute number of the newest slot accounted for. */
  newest: number;
  total: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly slotMs: number;
  private readonly slots: number;

  constructor(
    private readonly limit: number,
    windowMs: number,
    private readonly now: () => number = Date.now,
    /** Bounds memory under a flood of distinct keys (e.g. invented emails). */
    private readonly maxKeys = 100_000,
  ) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.slotMs = Math.min(1000, windowMs);
    this.slots = Math.ceil(windowMs / this.slotMs) + 1;
  }

  take(key: string): RateDecision {
    const now = this.now();
    const slot = Math.floor(now / this.slotMs);
    let window = this.windows.get(key);
    if (window === undefined) {
      if (this.windows.size >= this.maxKeys) this.sweep(slot);
      window = { counts: new Uint32Array(this.slots), newest: slot, total: 0 };
      this.windows.set(key, window);
    } else {
      this.advance(window, slot);
    }
    if (window.total < this.limit) {
      window.counts[slot % this.slots]!++;
      window.total++;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: this.retryAfter(window, slot, now) };
  }

  get size(): number {
    return this.windows.size;
  }

  /** Drops the slots that have left the window. */
  private advance(window: Window, slot: number): void {
    if (slot <= window.newest) return;
    if (slot - window.newest >= this.slots) {
      window.counts.fill(0);
      window.total = 0;
    } else {
      for (let s = window.newest + 1; s <= slot; s++) {
        window.total -= window.counts[s % this.slots]!;
        window.counts[s % this.slots] = 0;
      }
    }
    window.newest = slot;
  }

  /** Seconds until enough of the oldest requests have left the window for one more to fit. */
  private retryAfter(window: Window, slot: number, now: number): number {
    let excess = window.total - this.limit + 1;
    for (let s = slot - this.slots + 1; s <= slot; s++) {
      excess -= window.counts[((s % this.slots) + this.slots) % this.slots]!;
      if (excess <= 0) return Math.max(1, Math.ceil(((s + this.slots) * this.slotMs - now) / 1000));
    }
    return Math.max(1, Math.ceil((this.slots * this.slotMs) / 1000));
  }

  /** Forgets windows with nothing left in them, then the oldest if still full. */
  private sweep(slot: number): void {
    for (const [key, window] of this.windows) {
      if (slot - window.newest >= this.slots) this.windows.delete(key);
    }
    // Still full: many keys are mid-window. Dropping the longest-known resets their budgets,
    // the lesser harm than unbounded memory.
    const excess = this.windows.size - Math.floor(this.maxKeys * 0.9);
    if (excess > 0) {
      let dropped = 0;
      for (const key of this.windows.keys()) {
        if (dropped++ >= excess) break;
        this.windows.delete(key);
      }
    }
  }
}
