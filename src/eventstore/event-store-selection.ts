// Picks the event store adapter from the configuration: EVENTSTORE_URL set selects EventStoreDB,
// unset the embedded SQLite log in DATA_DIR. There is no fallback: an unreachable EventStoreDB
// leaves the service running degraded (GET /health says the event store is down), never on
// the embedded store.
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { redactUrl } from '../config/stores-config.js';
import { EsdbEventStore } from './esdb/esdb-event-store.js';
import type { EventStore } from './event-store.port.js';
import { EVENTS_DB_FILE, SqliteEventStore } from './sqlite/sqlite-event-store.js';
import type { StorageFault } from '../sqlite/storage-monitor.js';

export interface StoreSelection<Store> {
  store: Store;
  adapter: 'sqlite' | 'eventstoredb' | 'embedded' | 'mongodb';
  /** Where the data lives, without credentials. */
  target: string;
  /** Adapter-specific state for /health. */
  details(): Record<string, unknown>;
  /** Embedded stores: the disk refuses the file's writes (full, I/O errors) since a moment; /health says degraded. */
  storageFault?(): StorageFault | undefined;
}

export const EVENT_STORE_SELECTION = Symbol('EventStoreSelection');

export function selectEventStore(config: AppConfig): StoreSelection<EventStore> {
  const url = config.stores.eventStoreUrl;
  if (url === undefined) {
    const file = join(config.dataDir, EVENTS_DB_FILE);
    const store = new SqliteEventStore(file);
    return { store, adapter: 'sqlite', target: file, details: () => ({}), storageFault: () => store.storage.fault };
  }
  const store = EsdbEventStore.connect(url);
  return {
    store,
    adapter: 'eventstoredb',
    target: redactUrl(url),
    details: () => ({
      subscriptions: store.subscriptions().map((s) => ({
        filter: s.filter ?? null,
        phase: s.phase,
        position: s.position?.toString() ?? null,
        lagBytes: s.lagBytes.toString(),
        resubscriptions: s.resubscriptions,
        stallsDetected: s.stallsDetected,
        lastError: s.lastError ?? null,
      })),
    }),
  };
}
