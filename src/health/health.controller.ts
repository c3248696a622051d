// GET /health: liveness and readiness with each store's state and each subscriber's progress.
import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { SubscriptionRunner } from '../subscriptions/subscription-runner.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly subscriptions: SubscriptionRunner,
  ) {}

  @Get()
  @HealthCheck()
  async check(@Res() reply: FastifyReply): Promise<void> {
    try {
      reply.send(await this.health.check([() => this.eventStoreUp(), () => this.readStoreUp(), () => this.subscriptionsUp()]));
    } catch (error) {
      // Terminus reports "down" as a 503 carrying the full result; keep the result as the body.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503).send(error.getResponse());
    }
  }

  private async eventStoreUp() {
    const session = this.indicators.check('eventStore');
    try {
      const head = await this.eventStore.headPosition();
      return session.up({ adapter: 'sqlite', headPosition: head?.toString() ?? null });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  private async readStoreUp() {
    const session = this.indicators.check('readStore');
    try {
      await this.readStore.listParked('health-probe');
      return session.up({ adapter: 'embedded' });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  private async subscriptionsUp() {
    const session = this.indicators.check('subscriptions');
    const subscribers = await this.subscriptions.status();
    const parked = subscribers.reduce((sum, s) => sum + s.parked, 0);
    // Parked events need a person's attention but do not stop the service from serving.
    return parked > 0 ? session.degraded({ subscribers }) : session.up({ subscribers });
  }
}
