// The key store of personal data, on the engine of the read models: MONGODB_URL selects MongoDB
// (a collection beside the read models), unset the embedded SQLite file keys.db in DATA_DIR; and
// the subjects' keys as the event store uses them. The catalogue of personal data comes from the
// composition root (EventStoreModule.forRoot).
import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import { redactUrl } from '../config/stores-config.js';
import { checkSourceOfTruthFile } from '../sqlite/check-source-file.js';
import { MongoSubjectKeyStore } from './mongo/mongo-subject-key-store.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from './sqlite/sqlite-subject-key-store.js';
import { SUBJECT_KEY_STORE, type SubjectKeyStore } from './subject-key-store.port.js';
import { SubjectKeys } from './subject-keys.js';
import type { PersonalDataConfig } from '../config/personal-data-config.js';
import { keyEncryptionKeyOf, type KeyEncryptionKeys } from './key-wrapping.js';

/** Before the start: a damaged embedded key store stops it plainly (a source of truth, never rebuilt). */
export function checkEmbeddedKeys(config: AppConfig): void {
  if (config.stores.mongodbUrl === undefined) checkSourceOfTruthFile(join(config.dataDir, KEYS_DB_FILE), 'the key store of personal data');
}

export function selectSubjectKeyStore(config: AppConfig): SubjectKeyStore {
  const url = config.stores.mongodbUrl;
  const logger = new Logger('KeyStore');
  if (url === undefined) {
    logger.log(`Key store of personal data: embedded in ${config.dataDir}`);
    return SqliteSubjectKeyStore.inDataDir(config.dataDir);
  }
  logger.log(`Key store of personal data: mongodb at ${redactUrl(url)}`);
  return MongoSubjectKeyStore.connect(url);
}

/** The configured KEKs; none: keys are stored unwrapped, which production logs as a warning. */
export function keyEncryptionKeysOf(config: PersonalDataConfig, production: boolean): KeyEncryptionKeys | undefined {
  if (config.keyEncryptionKey === undefined) {
    if (production) new Logger('KeyStore').warn('PERSONAL_DATA_KEK is not set: the data keys of personal data are stored unwrapped, so a copy of the key store alone opens personal data');
    return undefined;
  }
  return { current: keyEncryptionKeyOf(config.keyEncryptionKey), previous: config.previousKeyEncryptionKeys.map(keyEncryptionKeyOf) };
}

@Global()
@Module({
  providers: [
    { provide: SUBJECT_KEY_STORE, inject: [APP_CONFIG], useFactory: selectSubjectKeyStore },
    {
      provide: SubjectKeys,
      inject: [SUBJECT_KEY_STORE, CLOCK, APP_CONFIG],
      useFactory: (store: SubjectKeyStore, clock: Clock, config: AppConfig) => new SubjectKeys(store, clock, keyEncryptionKeysOf(config.personalData, config.security.production)),
    },
  ],
  exports: [SUBJECT_KEY_STORE, SubjectKeys],
})
export class PersonalDataModule implements OnApplicationShutdown {
  constructor(@Inject(SUBJECT_KEY_STORE) private readonly store: SubjectKeyStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
