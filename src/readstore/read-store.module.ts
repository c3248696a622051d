// Chooses the read store adapter (read-store-selection.ts): MONGODB_URL selects MongoDB, unset
// in-process collections persisted in DATA_DIR.
import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { StoreSelection } from '../eventstore/event-store-selection.js';
import { READ_STORE_SELECTION, selectReadStore } from './read-store-selection.js';
import { READ_STORE, type ReadStore } from './read-store.port.js';
import { ProjectionRegistry } from '../subscriptions/projection-registry.js';
import { ServingReadStore } from '../subscriptions/serving-read-store.js';

@Global()
@Module({
  providers: [
    { provide: READ_STORE_SELECTION, inject: [APP_CONFIG], useFactory: (config: AppConfig) => selectReadStore(config) },
    // Reads of a projection's collection follow its serving build (blue/green rebuilds, src/subscriptions).
    {
      provide: READ_STORE,
      inject: [READ_STORE_SELECTION, ProjectionRegistry],
      useFactory: (selection: StoreSelection<ReadStore>, registry: ProjectionRegistry): ReadStore => new ServingReadStore(selection.store, registry),
    },
  ],
  exports: [READ_STORE, READ_STORE_SELECTION],
})
export class ReadStoreModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_STORE_SELECTION) private readonly selection: StoreSelection<ReadStore>,
  ) {}

  /** Says which store serves, and whether it answers; an unreachable one leaves the service degraded. */
  onApplicationBootstrap(): void {
    const logger = new Logger('ReadStore');
    const { adapter, target } = this.selection;
    logger.log(`Read store: ${adapter} at ${target}`);
    if (adapter === 'embedded') return;
    this.selection.store.getCheckpoint('startup-probe').then(
      () => logger.log(`Read store ${adapter} at ${target} answers`),
      (error: Error) =>
        logger.warn(`Read store ${adapter} at ${target} is unreachable (${error.message}); serving degraded: GET /health reports it down until it answers`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
