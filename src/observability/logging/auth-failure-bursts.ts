// Counts 401 and 403 answers per client address in one-minute windows and reports a burst once,
// when an address reaches the threshold: one warning per address and minute, however many
// refusals follow (a scan must not flood the log it is being recorded in).
export const AUTH_FAILURE_BURST_THRESHOLD = 10;
const WINDOW_MS = 60_000;
/** Beyond this many addresses in one window the window starts over (memory stays bounded under a flood of addresses). */
const MAX_ADDRESSES = 10_000;

export class AuthFailureBursts {
  private windowStart = 0;
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly threshold = AUTH_FAILURE_BURST_THRESHOLD,
  ) {}

  /** A refusal to `address`; the burst when this one reaches the threshold. */
  note(address: string): { failures: number; windowSeconds: number } | undefined {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS || this.failures.size >= MAX_ADDRESSES) {
      this.windowStart = now;
      this.failures.clear();
    }
    const failures = (this.failures.get(address) ?? 0) + 1;
    this.failures.set(address, failures);
    return failures === this.threshold ? { failures, windowSeconds: WINDOW_MS / 1000 } : undefined;
  }
}
