// Chooses the event store adapter (event-store-selection.ts): EVENTSTORE_URL selects EventStoreDB,
// unset the embedded SQLite log in DATA_DIR.
import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { EVENT_STORE_SELECTION, selectEventStore, type StoreSelection } from './event-store-selection.js';
import type { UpcasterChain } from './upcasting/upcaster.js';
import { RAW_EVENT_STORE, UpcastingEventStore } from './upcasting/upcasting-event-store.js';
import type { PersonalDataCatalogue } from '../personal-data/personal-data-catalogue.js';
import { OPENED_EVENT_STORE, PersonalDataEventStore } from '../personal-data/personal-data-event-store.js';
import { SubjectKeys } from '../personal-data/subject-keys.js';

@Global()
@Module({})
export class EventStoreModule implements OnApplicationBootstrap, OnApplicationShutdown {
  /**
   * `upcasters`: every event type's evolution; `personalData`: every event type's personal values,
   * sealed per data subject on the way in and opened on the way out (needs PersonalDataModule).
   * The composition root knows them all.
   */
  static forRoot({ upcasters, personalData }: { upcasters: UpcasterChain; personalData?: PersonalDataCatalogue }): DynamicModule {
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
        {
          // Personal values opened, shape as stored: the audit history views (and EVENT_STORE's inner store).
          provide: OPENED_EVENT_STORE,
          inject: [RAW_EVENT_STORE, { token: SubjectKeys, optional: true }],
          useFactory: (raw: EventStore, keys: SubjectKeys | undefined): EventStore => {
            if (personalData && !keys) throw new Error('Sealing personal data needs PersonalDataModule (the key store)');
            return personalData && keys ? new PersonalDataEventStore(raw, personalData, keys) : raw;
          },
        },
        {
          provide: EVENT_STORE,
          inject: [OPENED_EVENT_STORE],
          useFactory: (opened: EventStore): EventStore => new UpcastingEventStore(opened, upcasters),
        },
      ],
      exports: [EVENT_STORE, RAW_EVENT_STORE, OPENED_EVENT_STORE, EVENT_STORE_SELECTION],
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
