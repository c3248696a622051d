// Records an anchor every AUDIT_ANCHOR_INTERVAL_SECONDS, when the log has moved since the last
// one. Not at shutdown: a stop should not write to the log by itself (and the tail is anchored
// at the next tick after the restart). A failed anchor is logged and the next tick tries again:
// an anchor missed delays tail-cut evidence, it loses nothing.
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AuditConfig } from '../../config/audit-config.js';
import { PollLoop } from '../../scheduling/poll-loop.js';
import type { AnchorRecorder } from './anchor-recorder.js';

export class AnchorScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditAnchors');
  private readonly loop: PollLoop;

  constructor(
    private readonly recorder: Pick<AnchorRecorder, 'record'>,
    private readonly config: Pick<AuditConfig, 'anchorIntervalSeconds'>,
    /** Several instances: one of them anchors at a time (its lease). */
    runsHere: () => boolean = () => true,
  ) {
    const intervalMs = config.anchorIntervalSeconds * 1000;
    this.loop = new PollLoop(() => this.anchor(), { name: 'Audit anchors', intervalMs, firstPollAfterMs: intervalMs, runsHere }, this.logger);
  }

  onApplicationBootstrap(): void {
    // 0: anchors are recorded only on demand (the API, the CLI).
    if (this.config.anchorIntervalSeconds > 0) this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async anchor(): Promise<void> {
    const outcome = await this.recorder.record();
    if (outcome.recorded) this.logger.log(`Anchored ${outcome.anchor!.streamCount} stream heads at position ${outcome.anchor!.position}`);
  }
}
