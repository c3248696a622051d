// The MongoDB snapshot store against a real server; MONGODB_URL unset, it reports itself skipped with
// the reason (test/support/mongo-under-test.ts).
import { randomUUID } from 'node:crypto';
import { MongoSnapshotStore } from '../../src/snapshots/mongo/mongo-snapshot-store.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';
import { snapshotStoreContract } from './snapshot-store.contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  snapshotStoreContract('MongoSnapshotStore (real server)', async () => {
    const name = `orderstream_snapshots_${randomUUID().slice(0, 8)}`;
    let current = MongoSnapshotStore.connect(databaseUrl(url, name));
    return {
      store: current,
      async reopen() {
        await current.close();
        current = MongoSnapshotStore.connect(databaseUrl(url, name));
        return current;
      },
      async cleanup() {
        await current.close();
        await dropDatabase(url, name);
      },
    };
  });
} else {
  skippedWithoutMongo('SnapshotStore contract: MongoSnapshotStore (real server)');
}
