// The stores of a stopped service, opened by the CLI: the event log (locked while the service
// runs, which is checked first), read through the upcasters with personal data opened with the key
// store (erased subjects' values read as erased), and the read models.
import type { EventStore } from '../eventstore/event-store.port.js';
import { allUpcasters } from '../upcasters.js';
import { UpcastingEventStore } from '../eventstore/upcasting/upcasting-event-store.js';
import { EmbeddedReadStore } from '../readstore/embedded/embedded-read-store.js';
import { openEventStoreFile } from './target.js';
import { personalData } from '../personal-data-declarations.js';
import { PersonalDataEventStore } from '../personal-data/personal-data-event-store.js';
import { SqliteSubjectKeyStore } from '../personal-data/sqlite/sqlite-subject-key-store.js';
import { SubjectKeys } from '../personal-data/subject-keys.js';
import { keyEncryptionKeysOf } from '../personal-data/personal-data.module.js';
import { loadPersonalDataConfig } from '../config/personal-data-config.js';
import { systemClock } from '../clock/clock.js';

export interface LocalStores {
  eventStore: EventStore;
  readStore: EmbeddedReadStore;
  close(): Promise<void>;
}

export function openLocalStores(dataDir: string, withReadModels: boolean): { eventStore: EventStore; readStore?: EmbeddedReadStore; close(): Promise<void> } {
  const raw = openEventStoreFile(dataDir);
  const keyStore = SqliteSubjectKeyStore.inDataDir(dataDir);
  const eventStore = new UpcastingEventStore(new PersonalDataEventStore(raw, personalData, new SubjectKeys(keyStore, systemClock, keyEncryptionKeysOf(loadPersonalDataConfig(process.env), false))), allUpcasters);
  const readStore = withReadModels ? EmbeddedReadStore.inDataDir(dataDir) : undefined;
  return {
    eventStore,
    ...(readStore ? { readStore } : {}),
    async close() {
      await readStore?.close();
      await eventStore.close();
      await keyStore.close();
    },
  };
}
