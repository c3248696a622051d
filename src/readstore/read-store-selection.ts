// Picks the read store adapter: MONGODB_URL set selects MongoDB, unset the in-process
// collections persisted in DATA_DIR. No fallback: an unreachable MongoDB leaves the service
// running degraded (GET /health says the read store is down).
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { redactUrl } from '../config/stores-config.js';
import type { StoreSelection } from '../eventstore/event-store-selection.js';
import { EmbeddedReadStore, READ_MODELS_DB_FILE } from './embedded/embedded-read-store.js';
import { MongoReadStore } from './mongo/mongo-read-store.js';
import type { ReadStore } from './read-store.port.js';

export const READ_STORE_SELECTION = Symbol('ReadStoreSelection');

export function selectReadStore(config: AppConfig): StoreSelection<ReadStore> {
  const url = config.stores.mongodbUrl;
  if (url === undefined) {
    const file = join(config.dataDir, READ_MODELS_DB_FILE);
    const store = new EmbeddedReadStore(file);
    return { store, adapter: 'embedded', target: file, details: () => ({}), storageFault: () => store.storage.fault };
  }
  return { store: MongoReadStore.connect(url), adapter: 'mongodb', target: redactUrl(url), details: () => ({}) };
}
