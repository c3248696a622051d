// Builds the subscription runner over the configured stores with the event handlers the
// composition root hands in, starts it once the app is up, and stops it before the stores close.
// Groups added to the runner by other modules (the projection engine's) start and stop with it.
import { Global, Inject, Module, type DynamicModule, type BeforeApplicationShutdown, type InjectionToken, type ModuleMetadata, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { PROJECTION_PROGRESS } from '../http/min-position.interceptor.js';
import type { StoreSelection } from '../eventstore/event-store-selection.js';
import { READ_STORE_SELECTION } from '../readstore/read-store-selection.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import type { EventHandler } from './subscriber.js';
import { SubscriptionRunner } from './subscription-runner.js';
import { SubscriptionsAdminController } from './subscriptions-admin.http.js';
import { LEASES, type Leases } from '../leases/leases.js';
import type { LogData } from '../access/log-read-policy.js';
import { PARKED_EVENT_DECISION_TYPES, PARKED_EVENT_STREAM_PREFIX } from './parked-events.decider.js';

/** Admins' retries and skips of parked events in the log (src/access/log-read-policy.ts): for auditors and admins. */
export const parkedEventsLogData: LogData = {
  kind: 'decisions on parked events', streamPrefixes: [PARKED_EVENT_STREAM_PREFIX], eventTypes: PARKED_EVENT_DECISION_TYPES, permission: 'operations.read-log',
};

const REGISTRY_WAIT_MS = 3_000;

export interface SubscriptionsOptions {
  /** Durable event handlers (sagas, relays): each token resolves to EventHandler[] from `imports`. */
  eventHandlers: { imports: NonNullable<ModuleMetadata['imports']>; tokens: InjectionToken[] };
}

@Global()
@Module({})
export class SubscriptionsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static forRoot({ eventHandlers }: SubscriptionsOptions): DynamicModule {
    return {
      module: SubscriptionsModule,
      imports: eventHandlers.imports,
      controllers: [SubscriptionsAdminController],
      providers: [
        {
          provide: SubscriptionRunner,
          // The read store unwrapped: subscribers write and read their own physical collections.
          inject: [EVENT_STORE, READ_STORE_SELECTION, LEASES, ...eventHandlers.tokens],
          useFactory: (eventStore: EventStore, selection: StoreSelection<ReadStore>, leases: Leases, ...handlers: EventHandler[][]) =>
            new SubscriptionRunner({ eventStore, readStore: selection.store, leases, handlers: handlers.flat() }),
        },
        { provide: PROJECTION_PROGRESS, useExisting: SubscriptionRunner },
      ],
      exports: [SubscriptionRunner, PROJECTION_PROGRESS],
    };
  }

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
