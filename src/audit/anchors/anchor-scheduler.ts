// Records an anchor every AUDIT_ANCHOR_INTERVAL_SECONDS, when the log has moved since the last
// one. Not at shutdown: a stop should not write to the log by itself (and the tail is anchored
// at the next tick after the restart).
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AuditConfig } from '../../config/audit-config.js';
import { AnchorRecorder } from './anchor-recorder.js';

export class AnchorScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditAnchors');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly recorder: AnchorRecorder,
    private readonly config: Pick<AuditConfig, 'anchorIntervalSeconds'>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.anchorIntervalSeconds === 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.anchorIntervalSeconds * 1000);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      const outcome = await this.recorder.record();
      if (outcome.recorded) this.logger.log(`Anchored ${outcome.anchor!.streamCount} stream heads at position ${outcome.anchor!.position}`);
    } catch (error) {
      // The next tick tries again; an anchor missed delays tail-cut evidence, it loses nothing.
      this.logger.error(`Could not record an anchor: ${(error as Error).message}`);
    }
  }
}
