// Builds the subscription runner over the configured stores with every projection, starts it
// once the app is up, and stops it before the stores close.
import { Global, Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { allProjections } from '../../projections/index.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { FULFILLMENT_EVENT_HANDLERS, FulfillmentModule } from '../fulfillment/fulfillment.module.js';
import { PROJECTION_PROGRESS } from '../http/min-position.interceptor.js';
import type { StoreSelection } from '../eventstore/event-store-selection.js';
import { READ_STORE_SELECTION } from '../readstore/read-store-selection.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import type { EventHandler } from './subscriber.js';
import { SubscriptionRunner } from './subscription-runner.js';
import { SubscriptionsAdminController } from './subscriptions-admin.controller.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionsController } from './projections.http.js';

const REGISTRY_WAIT_MS = 3_000;

@Global()
@Module({
  imports: [FulfillmentModule],
  controllers: [SubscriptionsAdminController, ProjectionsController],
  providers: [
    {
      provide: SubscriptionRunner,
      // The read store unwrapped: builds write and read their own physical collections.
      inject: [EVENT_STORE, READ_STORE_SELECTION, ProjectionRegistry, FULFILLMENT_EVENT_HANDLERS],
      useFactory: (eventStore: EventStore, selection: StoreSelection<ReadStore>, registry: ProjectionRegistry, handlers: EventHandler[]) =>
        new SubscriptionRunner({ eventStore, readStore: selection.store, registry, projections: allProjections, handlers }),
    },
    { provide: PROJECTION_PROGRESS, useExisting: SubscriptionRunner },
    // Which build serves each projection; the read store queries use (ServingReadStore) asks it.
    { provide: ProjectionRegistry, inject: [READ_STORE_SELECTION], useFactory: (selection: StoreSelection<ReadStore>) => new ProjectionRegistry(selection.store) },
  ],
  exports: [SubscriptionRunner, PROJECTION_PROGRESS, ProjectionRegistry],
})
export class SubscriptionsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(SubscriptionRunner) private readonly runner: SubscriptionRunner) {}

  // Waits (bounded) until each projection knows which build serves queries, not for catching up.
  // A read store that does not answer must not keep the service from starting degraded: reads
  // then go to each projection's declared collection until the registry could be read.
  async onApplicationBootstrap(): Promise<void> {
    this.runner.start();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.runner.started, new Promise((done) => (timer = setTimeout(done, REGISTRY_WAIT_MS)))]);
    clearTimeout(timer);
  }

  // Before, not on, shutdown: the stores close in their modules' onApplicationShutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
