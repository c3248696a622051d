// The stores of a stopped service, opened by the CLI: the event log (locked while the service
// runs, which is checked first), read through the upcasters, and the read models.
import type { EventStore } from '../eventstore/event-store.port.js';
import { allUpcasters } from '../upcasters.js';
import { UpcastingEventStore } from '../eventstore/upcasting/upcasting-event-store.js';
import { EmbeddedReadStore } from '../readstore/embedded/embedded-read-store.js';
import { openEventStoreFile } from './target.js';

export interface LocalStores {
  eventStore: EventStore;
  readStore: EmbeddedReadStore;
  close(): Promise<void>;
}

export function openLocalStores(dataDir: string, withReadModels: boolean): { eventStore: EventStore; readStore?: EmbeddedReadStore; close(): Promise<void> } {
  const raw = openEventStoreFile(dataDir);
  const eventStore = new UpcastingEventStore(raw, allUpcasters);
  const readStore = withReadModels ? EmbeddedReadStore.inDataDir(dataDir) : undefined;
  return {
    eventStore,
    ...(readStore ? { readStore } : {}),
    async close() {
      await readStore?.close();
      await eventStore.close();
    },
  };
}
