// The snapshot store beside the read models: on MongoDB when MONGODB_URL is set (shared by every
// instance), else <DATA_DIR>/snapshots.db. The command processor takes it when it is there.
import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MongoSnapshotStore } from './mongo/mongo-snapshot-store.js';
import { SNAPSHOT_STORE, type SnapshotStore } from './snapshot-store.port.js';
import { SqliteSnapshotStore } from './sqlite/sqlite-snapshot-store.js';

@Global()
@Module({
  providers: [
    {
      provide: SNAPSHOT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SnapshotStore =>
        config.stores.mongodbUrl === undefined
          ? SqliteSnapshotStore.inDataDir(config.dataDir, (message) => new Logger('Snapshots').warn(message))
          : MongoSnapshotStore.connect(config.stores.mongodbUrl),
    },
  ],
  exports: [SNAPSHOT_STORE],
})
export class SnapshotsModule implements OnApplicationShutdown {
  constructor(@Inject(SNAPSHOT_STORE) private readonly store: SnapshotStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
