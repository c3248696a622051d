import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency-store.port.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { SqliteIdempotencyStore } from './sqlite-idempotency-store.js';

@Global()
@Module({
  providers: [
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.db')),
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
