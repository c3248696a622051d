// Exponential back-off between retries, and a sleep that a stop request cuts short.

export interface BackOff {
  /** Delay before the first retry, in ms. */
  initialDelayMs: number;
  /** The delay doubles per attempt up to this, in ms. */
  maxDelayMs: number;
}

/** Delay before retry number `attempt` (1-based). */
export function backOffDelay(backOff: BackOff, attempt: number): number {
  return Math.min(backOff.maxDelayMs, backOff.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; leaves no timer behind. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
