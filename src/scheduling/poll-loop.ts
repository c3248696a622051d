// Polls for due work at a fixed interval: the payment authorization worker, the payment deadline
// scheduler and the audit anchor scheduler; wake() polls at once when a commit says new work may
// be there, the interval remaining the fallback (and what finds due deadlines). Polls never overlap (the next is scheduled when one
// ends); a failed poll is logged and the next one tries again. Stopping waits, for a bounded
// time, for the poll in progress, so a stuck store cannot hold the shutdown up.

export interface PollLoopOptions {
  /** Names the loop in log lines. */
  name: string;
  intervalMs: number;
  /** Delay before the first poll; by default it polls at once. */
  firstPollAfterMs?: number;
  /** Several instances: polls only while this instance holds the loop's lease (src/leases). */
  runsHere?: () => boolean;
}

/** Resolves when `work` settles or after `ms`, whichever comes first; leaves no timer behind. */
export async function waitAtMost(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work?.catch(() => undefined), new Promise((done) => (timer = setTimeout(done, ms)))]);
  clearTimeout(timer);
}

interface Logger {
  error(message: string): void;
}

export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  /** A wake-up came while a poll ran: poll again as soon as it ends. */
  private wokenWhilePolling = false;

  constructor(
    private readonly poll: () => Promise<unknown>,
    private readonly options: PollLoopOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(this.options.firstPollAfterMs ?? 0);
  }

  /** Polls now (after the poll in progress, if any); the interval starts over from there. */
  async pollNow(): Promise<void> {
    while (this.polling) await this.polling;
    if (this.stopped) return;
    clearTimeout(this.timer);
    await this.pollOnce();
  }

  /**
   * New work may be there (a commit woke us): poll now if idle, or right after the poll in
   * progress, instead of at the end of the interval. Wake-ups that come while a poll is
   * scheduled or running fold into one poll, so a burst of commits costs one poll each way.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.wokenWhilePolling = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** No more polls; waits up to `graceMs` for the one in progress. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await waitAtMost(this.polling, graceMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pollOnce(), delayMs);
    // The loop alone never keeps the process alive: the service stops it when it shuts down.
    this.timer.unref();
  }

  private pollOnce(): Promise<void> {
    const runsHere = this.options.runsHere?.() ?? true;
    this.polling = (runsHere ? this.poll() : Promise.resolve())
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`${this.options.name}: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.polling = undefined;
        const woken = this.wokenWhilePolling;
        this.wokenWhilePolling = false;
        this.schedule(woken ? 0 : this.options.intervalMs);
      });
    return this.polling;
  }
}
