// Read-your-writes waits: each waiter is a condition rechecked whenever a checkpoint moves,
// plus one timer for its deadline. Nothing polls.

interface Waiter {
  isMet(): boolean;
  settle(reached: boolean): void;
}

export class PositionWaiters {
  private readonly waiting = new Set<Waiter>();

  /** True as soon as `isMet()` holds (checked now and at every recheck); false after `timeoutMs`. */
  wait(isMet: () => boolean, timeoutMs: number): Promise<boolean> {
    if (isMet()) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        isMet,
        settle: (reached) => {
          clearTimeout(timer);
          this.waiting.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.settle(false), timeoutMs);
      this.waiting.add(waiter);
    });
  }

  recheck(): void {
    for (const waiter of [...this.waiting]) {
      if (waiter.isMet()) waiter.settle(true);
    }
  }

  /** Answers every waiter "not reached" now, e.g. at shutdown. */
  cancelAll(): void {
    for (const waiter of [...this.waiting]) waiter.settle(false);
  }
}
