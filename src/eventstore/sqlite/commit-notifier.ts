// Wakes waiting subscriptions after a write transaction has committed.
export class CommitNotifier {
  private waiters = new Set<() => void>();

  /** Called after COMMIT returns, so a woken reader always finds the new events. */
  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next notify() or when `signal` aborts; leaves no listener behind either way. */
  next(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const wake = (): void => {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
