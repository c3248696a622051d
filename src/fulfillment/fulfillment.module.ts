// Order fulfillment: the saga and its command relay (run by the subscription runner, which takes
// them from FULFILLMENT_EVENT_HANDLERS), and the payment deadline scheduler.
import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../clock/clock.js';
import { CommandProcessor } from '../command-handling/command-processor.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import type { EventHandler } from '../subscriptions/subscriber.js';
import { LEASES, type Leases } from '../leases/leases.js';
import { FulfillmentCommandRelay } from './command-relay.js';
import { FulfillmentSaga } from './fulfillment-saga.js';
import { PaymentDeadlineScheduler } from './payment-deadline-scheduler.js';
import { reportSagaBacklog } from './saga-backlog-metrics.js';
import type { LogData } from '../access/log-read-policy.js';
import { FULFILLMENT_EVENT_TYPES, fulfillmentStreamId } from './fulfillment.decider.js';

export const FULFILLMENT_EVENT_HANDLERS = Symbol('FulfillmentEventHandlers');

/** The saga's streams: every order's payment token and address (src/access/log-read-policy.ts). */
export const fulfillmentLogData: LogData = { kind: 'order fulfillments', streamPrefixes: [fulfillmentStreamId('')], eventTypes: FULFILLMENT_EVENT_TYPES, permission: 'fulfillment.read-log' };

@Module({
  providers: [
    {
      provide: FulfillmentCommandRelay,
      inject: [CommandBus],
      useFactory: (commands: CommandBus) => new FulfillmentCommandRelay(commands, new Logger('OrderFulfillment')),
    },
    {
      provide: FulfillmentSaga,
      inject: [CommandProcessor, CLOCK, APP_CONFIG, EVENT_STORE, FulfillmentCommandRelay],
      useFactory: (processor: CommandProcessor, clock: Clock, config: AppConfig, store: EventStore, relay: FulfillmentCommandRelay) =>
        new FulfillmentSaga(processor, clock, config.fulfillment.paymentDeadlineMs, { store, relay }),
    },
    {
      provide: PaymentDeadlineScheduler,
      inject: [READ_STORE, FulfillmentSaga, CLOCK, APP_CONFIG, LEASES],
      useFactory: (readStore: ReadStore, saga: FulfillmentSaga, clock: Clock, config: AppConfig, leases: Leases) =>
        new PaymentDeadlineScheduler(readStore, saga, clock, config.fulfillment.pollIntervalMs, new Logger('PaymentDeadlines'), leases.gate('payment-deadlines')),
    },
    {
      provide: FULFILLMENT_EVENT_HANDLERS,
      inject: [FulfillmentSaga, FulfillmentCommandRelay],
      useFactory: (saga: FulfillmentSaga, relay: FulfillmentCommandRelay): EventHandler[] => [saga, relay],
    },
  ],
  exports: [FULFILLMENT_EVENT_HANDLERS],
})
export class FulfillmentModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(PaymentDeadlineScheduler) private readonly deadlines: PaymentDeadlineScheduler,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.deadlines.start();
    reportSagaBacklog(this.readStore, this.clock);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.deadlines.stop();
  }
}
