// The MongoDB snapshot store through the official driver on the wire-protocol TEST DOUBLE
// (test/mongo-double), in every CI run; mongo-snapshot-store.int.spec.ts runs the same contract
// on a real server when MONGODB_URL is set.
import { MongoSnapshotStore } from '../../src/snapshots/mongo/mongo-snapshot-store.js';
import { mongoDoubleForThisFile } from '../support/mongo-double-under-test.js';
import { snapshotStoreContract } from './snapshot-store.contract.js';

const server = mongoDoubleForThisFile();

snapshotStoreContract('MongoSnapshotStore (MongoDB wire-protocol test double)', async () => {
  const url = server.freshUrl('orderstream_snapshots');
  let current = MongoSnapshotStore.connect(url);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = MongoSnapshotStore.connect(url);
      return current;
    },
    async cleanup() {
      await current.close();
    },
  };
});
