import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency-store.port.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { SqliteIdempotencyStore } from './sqlite-idempotency-store.js';
import { MongoIdempotencyStore } from './mongo/mongo-idempotency-store.js';

@Global()
@Module({
  providers: [
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG],
      // With the read store: on MongoDB the keys are shared by every instance.
      useFactory: (config: AppConfig): IdempotencyStore =>
        config.stores.mongodbUrl === undefined
          ? new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.db'))
          : MongoIdempotencyStore.connect(config.stores.mongodbUrl, config.cluster.idempotencyKeyTtlHours * 3600),
    },
    IdempotencyInterceptor,
  ],
  exports: [IDEMPOTENCY_STORE, IdempotencyInterceptor],
})
export class IdempotencyModule implements OnApplicationShutdown {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
