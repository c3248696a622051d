// Builds the subscription runner over the configured stores with every projection, starts it
// once the app is up, and stops it before the stores close.
import { Global, Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { allProjections } from '../../projections/index.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { PROJECTION_PROGRESS } from '../http/min-position.interceptor.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { SubscriptionRunner } from './subscription-runner.js';
import { SubscriptionsAdminController } from './subscriptions-admin.controller.js';

@Global()
@Module({
  controllers: [SubscriptionsAdminController],
  providers: [
    {
      provide: SubscriptionRunner,
      inject: [EVENT_STORE, READ_STORE],
      useFactory: (eventStore: EventStore, readStore: ReadStore) => new SubscriptionRunner({ eventStore, readStore, projections: allProjections }),
    },
    { provide: PROJECTION_PROGRESS, useExisting: SubscriptionRunner },
  ],
  exports: [SubscriptionRunner, PROJECTION_PROGRESS],
})
export class SubscriptionsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(SubscriptionRunner) private readonly runner: SubscriptionRunner) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  // Before, not on, shutdown: the stores close in their modules' onApplicationShutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
