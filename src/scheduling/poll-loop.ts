// Polls for due work at a fixed interval: the payment authorization worker, the payment deadline
// scheduler and the audit anchor scheduler. Polls never overlap (the next is scheduled when one
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
        this.schedule(this.options.intervalMs);
      });
    return this.polling;
  }
}
