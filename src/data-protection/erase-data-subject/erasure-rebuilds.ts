// After an erasure, the read models that hold personal data are rebuilt blue/green from the log,
// in which the subject's values now read as erased; until a rebuild takes over, the current build
// keeps answering. A rebuild already in progress may have read the subject's values before the
// key was destroyed, so such a projection is rebuilt again once that one has finished.
import { Logger } from '@nestjs/common';
import type { BlueGreenProjections } from '../../projection-engine/blue-green-projections.js';

const POLL_MS = 1_000;
/** How long a rebuild in progress is waited for before the next erasure's rebuild is left to catch it. */
const MAX_WAIT_MS = 30 * 60_000;

export class ErasureRebuilds {
  private readonly logger = new Logger('Erasure');
  private readonly stopping = new AbortController();

  constructor(
    private readonly projections: Pick<BlueGreenProjections, 'projectionStatus' | 'rebuild'>,
    readonly names: readonly string[],
  ) {}

  /** Starts the rebuilds; answers the names of those started now (the rest follow their running builds). */
  async start(): Promise<string[]> {
    const before = new Map((await this.projections.projectionStatus()).map((status) => [status.name, status]));
    const started: string[] = [];
    for (const name of this.names) {
      if (before.get(name)?.building) {
        void this.afterRunningBuild(name);
        continue;
      }
      await this.projections.rebuild(name);
      started.push(name);
    }
    return started;
  }

  stop(): void {
    this.stopping.abort();
  }

  private async afterRunningBuild(name: string): Promise<void> {
    const until = Date.now() + MAX_WAIT_MS;
    try {
      while (Date.now() < until && !this.stopping.signal.aborted) {
        await new Promise((done) => setTimeout(done, POLL_MS).unref());
        const status = (await this.projections.projectionStatus()).find((one) => one.name === name);
        if (!status?.building) {
          await this.projections.rebuild(name);
          return;
        }
      }
      if (!this.stopping.signal.aborted) this.logger.warn(`Projection ${name}: a rebuild ran for ${MAX_WAIT_MS / 60_000} min; rebuild it after it ends so an erasure reaches it`);
    } catch (error) {
      this.logger.error(`Projection ${name}: could not rebuild it after an erasure (${(error as Error).message}); rebuild it by hand`);
    }
  }
}
