// npm run cli -- rewrap-keys: wraps every stored data key of personal data under the current
// key-encryption key (PERSONAL_DATA_KEK or _FILE; previous ones in PERSONAL_DATA_PREVIOUS_KEKS),
// in the key store the configuration names: MONGODB_URL's _subject_keys, else keys.db in --data-dir.
// Run it after turning a KEK on (keys from before are unwrapped) and after a rotation (then the
// previous KEK can be retired). Safe while the service runs (src/personal-data/key-rewrap.ts).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { ConfigError } from '../../config/config-error.js';
import { loadPersonalDataConfig } from '../../config/personal-data-config.js';
import { keyEncryptionKeyOf, KeyUnwrapError } from '../../personal-data/key-wrapping.js';
import { rewrapKeys } from '../../personal-data/key-rewrap.js';
import { MongoSubjectKeyStore } from '../../personal-data/mongo/mongo-subject-key-store.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from '../../personal-data/sqlite/sqlite-subject-key-store.js';
import type { SubjectKeyStore } from '../../personal-data/subject-key-store.port.js';
import { CliError } from '../cli-error.js';

@Command({ name: 'rewrap-keys', description: 'Wrap every stored key of personal data with the current key-encryption key (PERSONAL_DATA_KEK)' })
export class RewrapKeysCommand extends CommandRunner {
  async run(_: string[], options: { dataDir?: string }): Promise<void> {
    let config;
    try {
      config = loadPersonalDataConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
    if (config.keyEncryptionKey === undefined) throw new CliError('rewrap-keys needs the current key-encryption key: set PERSONAL_DATA_KEK or PERSONAL_DATA_KEK_FILE (and PERSONAL_DATA_PREVIOUS_KEKS for keys wrapped before a rotation).');
    const keks = { current: keyEncryptionKeyOf(config.keyEncryptionKey), previous: config.previousKeyEncryptionKeys.map(keyEncryptionKeyOf) };
    let store: SubjectKeyStore;
    let where: string;
    if (process.env.MONGODB_URL) {
      store = MongoSubjectKeyStore.connect(process.env.MONGODB_URL);
      where = 'MongoDB (_subject_keys)';
    } else {
      const file = join(resolve(options.dataDir ?? process.env.DATA_DIR ?? './data'), KEYS_DB_FILE);
      // Never a new, empty key store where an operator mistyped the directory.
      if (!existsSync(file)) throw new CliError(`${file} does not exist: name the data directory of the service with --data-dir (or DATA_DIR)`);
      store = new SqliteSubjectKeyStore(file);
      where = file;
    }
    try {
      const outcome = await rewrapKeys(store, keks);
      console.log(`${where}: ${outcome.rewrapped} key(s) rewrapped with key-encryption key ${keks.current.id}; ${outcome.current} already were; ${outcome.erased} erased subject(s)${outcome.changedMeanwhile ? `; ${outcome.changedMeanwhile} changed meanwhile and left as they are` : ''}`);
    } catch (error) {
      if (error instanceof KeyUnwrapError) throw new CliError(`Stopped: ${error.message}. Keys rewrapped so far stay rewrapped.`);
      throw error;
    } finally {
      await store.close();
    }
  }

  @Option({ flags: '--data-dir <dir>', description: 'Data directory holding keys.db (default $DATA_DIR or ./data); MONGODB_URL selects MongoDB instead' }) dataDir(v: string) { return v; }
}
