// The EventStore contract against a real EventStoreDB / KurrentDB server. The double-based
// suite (esdb-event-store.int.spec.ts) always runs; this one needs EVENTSTORE_URL and otherwise
// reports itself skipped with the reason, as a skipped test whose title says why.
// `docker compose up -d eventstore` provides one: EVENTSTORE_URL='esdb://localhost:2113?tls=false'
// The contract writes under random stream prefixes and reads after the head it found, so it
// runs against a shared, non-empty server.
import { EsdbEventStore } from '../../src/eventstore/esdb/esdb-event-store.js';
import { reportedSkip } from '../support/reported-skip.js';
import { eventStoreContract } from './event-store.contract.js';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EsdbEventStore (real server)', async () => {
    const store = EsdbEventStore.connect(url);
    return { store, cleanup: () => store.close() };
  });
} else {
  reportedSkip('EventStore contract: EsdbEventStore (real server)', "EVENTSTORE_URL is not set (docker compose up -d eventstore, then EVENTSTORE_URL='esdb://localhost:2113?tls=false')");
}
