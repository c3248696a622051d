// Chooses the credential store on the engine of the read models: MONGODB_URL selects MongoDB
// (a collection beside the read models), unset the embedded SQLite file in DATA_DIR.
import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { redactUrl } from '../config/stores-config.js';
import { CREDENTIAL_STORE, type CredentialStore } from './credential-store.port.js';
import { MongoCredentialStore } from './mongo/mongo-credential-store.js';
import { CREDENTIALS_DB_FILE, SqliteCredentialStore } from './sqlite/sqlite-credential-store.js';
import { checkSourceOfTruthFile } from '../sqlite/check-source-file.js';
import { join } from 'node:path';

/** Before the start: a damaged embedded credential store stops it plainly (a source of truth, never rebuilt). */
export function checkEmbeddedCredentials(config: AppConfig): void {
  if (config.stores.mongodbUrl === undefined) checkSourceOfTruthFile(join(config.dataDir, CREDENTIALS_DB_FILE), 'the credential store');
}

export function selectCredentialStore(config: AppConfig): CredentialStore {
  const url = config.stores.mongodbUrl;
  const logger = new Logger('CredentialStore');
  if (url === undefined) {
    logger.log(`Credential store: embedded in ${config.dataDir}`);
    return SqliteCredentialStore.inDataDir(config.dataDir);
  }
  logger.log(`Credential store: mongodb at ${redactUrl(url)}`);
  return MongoCredentialStore.connect(url);
}

@Global()
@Module({
  providers: [{ provide: CREDENTIAL_STORE, inject: [APP_CONFIG], useFactory: selectCredentialStore }],
  exports: [CREDENTIAL_STORE],
})
export class CredentialStoreModule implements OnApplicationShutdown {
  constructor(@Inject(CREDENTIAL_STORE) private readonly store: CredentialStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
