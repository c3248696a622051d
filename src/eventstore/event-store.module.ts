// Chooses the event store adapter (event-store-selection.ts): EVENTSTORE_URL selects EventStoreDB,
// unset the embedded SQLite log in DATA_DIR.
import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { EVENT_STORE_SELECTION, selectEventStore, type StoreSelection } from './event-store-selection.js';
import type { UpcasterChain } from './upcasting/upcaster.js';
import { RAW_EVENT_STORE, UpcastingEventStore } from './upcasting/upcasting-event-store.js';

@Global()
@Module({})
export class EventStoreModule implements OnApplicationBootstrap, OnApplicationShutdown {
  /** `upcasters`: every event type's evolution (the composition root knows them all). */
  static forRoot({ upcasters }: { upcasters: UpcasterChain }): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE_SELECTION, inject: [APP_CONFIG], useFactory: (config: AppConfig) => selectEventStore(config) },
        {
          // The adapter as written; EVENT_STORE (what everyone uses) reads through the upcasters.
          provide: RAW_EVENT_STORE,
          inject: [EVENT_STORE_SELECTION],
          useFactory: (selection: StoreSelection<EventStore>): EventStore => selection.store,
        },
        { provide: EVENT_STORE, inject: [RAW_EVENT_STORE], useFactory: (raw: EventStore): EventStore => new UpcastingEventStore(raw, upcasters) },
      ],
      exports: [EVENT_STORE, RAW_EVENT_STORE, EVENT_STORE_SELECTION],
    };
  }

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_SELECTION) private readonly selection: StoreSelection<EventStore>,
  ) {}

  /** Says which store serves, and whether it answers; an unreachable one leaves the service degraded. */
  onApplicationBootstrap(): void {
    const logger = new Logger('EventStore');
    const { adapter, target } = this.selection;
    logger.log(`Event store: ${adapter} at ${target}`);
    if (adapter === 'sqlite') return;
    this.selection.store.headPosition().then(
      () => logger.log(`Event store ${adapter} at ${target} answers`),
      (error: Error) =>
        logger.warn(`Event store ${adapter} at ${target} is unreachable (${error.message}); serving degraded: GET /health reports it down until it answers`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
