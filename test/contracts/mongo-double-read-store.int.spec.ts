// The MongoDB read store through the official driver on the wire-protocol TEST DOUBLE
// (test/mongo-double): runs in every CI run, where no MongoDB server can. The same contract
// runs against a real server in mongo-read-store.int.spec.ts when MONGODB_URL is set.
import { describe, expect, it } from '@jest/globals';
import { WriteRejectedError } from '../../src/readstore/read-store.errors.js';
import { MongoReadStore } from '../../src/readstore/mongo/mongo-read-store.js';
import { mongoDoubleForThisFile } from '../support/mongo-double-under-test.js';
import { readStoreContract } from './read-store.contract.js';

const server = mongoDoubleForThisFile();

readStoreContract('MongoReadStore (MongoDB wire-protocol test double)', async () => {
  const url = server.freshUrl('orderstream_contract');
  let current = MongoReadStore.connect(url);
  return {
    store: current,
    // The data lives in the double, not the client: a new client over it is what a restart sees.
    async reopen() {
      await current.close();
      current = MongoReadStore.connect(url);
      return current;
    },
    async cleanup() {
      await current.close();
    },
  };
});

describe('MongoReadStore specifics (MongoDB wire-protocol test double)', () => {
  it('refuses documents with $-prefixed field names at any depth, and writes nothing of that commit', async () => {
    const store = MongoReadStore.connect(server.freshUrl('orderstream_contract'));
    try {
      await store.ensureCollection({ name: 'things_v1' });
      const bad = { _id: 'a', _position: 1, attributes: { $where: 'x' } };
      await expect(store.commit({ subscriber: 's', writes: [{ op: 'upsert', collection: 'things_v1', doc: bad }], checkpoint: 1n })).rejects.toBeInstanceOf(WriteRejectedError);
      expect(await store.getCheckpoint('s')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
