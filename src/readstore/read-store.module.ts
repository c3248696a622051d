// Chooses the read store adapter (read-store-selection.ts): MONGODB_URL selects MongoDB, unset
// in-process collections persisted in DATA_DIR. It provides the adapter as selected
// (READ_STORE_SELECTION) and closes it; what queries read (READ_STORE, which follows each
// projection's serving build) is provided above it, by the projection engine module.
import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { StoreSelection } from '../eventstore/event-store-selection.js';
import { READ_STORE_SELECTION, selectReadStore } from './read-store-selection.js';
import type { ReadStore } from './read-store.port.js';

@Global()
@Module({
  providers: [{ provide: READ_STORE_SELECTION, inject: [APP_CONFIG], useFactory: (config: AppConfig) => selectReadStore(config) }],
  exports: [READ_STORE_SELECTION],
})
export class ReadStoreModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(READ_STORE_SELECTION) private readonly selection: StoreSelection<ReadStore>) {}

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
    await this.selection.store.close();
  }
}
