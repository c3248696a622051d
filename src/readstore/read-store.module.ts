// Chooses the read store adapter. Unset MONGODB_URL: in-process collections persisted in DATA_DIR.
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EmbeddedReadStore } from './embedded/embedded-read-store.js';
import { READ_STORE, type ReadStore } from './read-store.port.js';

@Global()
@Module({
  providers: [
    {
      provide: READ_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ReadStore => new EmbeddedReadStore(join(config.dataDir, 'readmodels.db')),
    },
  ],
  exports: [READ_STORE],
})
export class ReadStoreModule implements OnApplicationShutdown {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
