// The MongoDB read store through the official driver on the wire-protocol TEST DOUBLE
// (test/mongo-double): runs in every CI run, where no MongoDB server can. The same contract
// runs against a real server in mongo-read-store.int.spec.ts when MONGODB_URL is set.
import { describe, expect, it } from '@jest/globals';
import { StoreUnavailableError } from '../../src/eventstore/event-store.errors.js';
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

  it('commits a batch in a fixed number of round trips, whatever its size: one read and one bulk write per collection (a command per kind of write), the checkpoint, the commit', async () => {
    const store = MongoReadStore.connect(server.freshUrl('orderstream_contract'));
    try {
      await store.ensureCollection({ name: 'things_v1', indexes: [{ fields: { sku: 1 }, unique: true }] });
      await store.commit({ subscriber: 's', writes: [{ op: 'upsert', collection: 'things_v1', doc: { _id: 'old', _position: 1, sku: 'OLD' } }], checkpoint: 1n });
      const counts = server.double.commandCounts;
      const before = new Map(counts);
      const writes = Array.from({ length: 40 }, (_, i) => ({ op: 'upsert' as const, collection: 'things_v1', doc: { _id: `t${i}`, _position: 10 + i, sku: `SKU-${i}` } }));
      await store.commit({ subscriber: 's', writes: [...writes, { op: 'delete', collection: 'things_v1', id: 'old', position: 60 }], checkpoint: 60n });
      const sent = (name: string) => (counts.get(name) ?? 0) - (before.get(name) ?? 0);
      expect({ find: sent('find'), update: sent('update'), delete: sent('delete'), insert: sent('insert'), commitTransaction: sent('commitTransaction') }).toEqual({
        find: 1, // the stored positions the guard judges against
        update: 2, // the bulk write's upserts, and the checkpoint
        delete: 1, // the bulk write's deletes (the driver sends each run of one kind as one command)
        insert: 0,
        commitTransaction: 1,
      });
      expect(await store.count('things_v1', {})).toBe(40);
      expect(await store.getCheckpoint('s')).toBe(60n);
    } finally {
      await store.close();
    }
  });

  it('answers StoreUnavailableError (HTTP 503) while MongoDB cannot be reached, and serves again once it can', async () => {
    const store = MongoReadStore.connect(server.freshUrl('orderstream_contract'), { serverSelectionTimeoutMs: 300 });
    try {
      await store.ensureCollection({ name: 'things_v1' });
      await store.commit({ subscriber: 's', writes: [{ op: 'upsert', collection: 'things_v1', doc: { _id: 'a', _position: 1 } }], checkpoint: 1n });
      server.double.setReachable(false);
      await expect(store.findById('things_v1', 'a')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.find('things_v1', {})).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.commit({ subscriber: 's', writes: [], checkpoint: 2n })).rejects.toBeInstanceOf(StoreUnavailableError);
      server.double.setReachable(true);
      // The driver finds the server again at its next heartbeat; nothing needs reopening.
      let found: unknown;
      for (let attempt = 0; attempt < 50 && found === undefined; attempt += 1) {
        found = await store.findById('things_v1', 'a').catch((error: unknown) => {
          if (!(error instanceof StoreUnavailableError)) throw error;
          return undefined;
        });
      }
      expect(found).toEqual({ _id: 'a', _position: 1 });
    } finally {
      server.double.setReachable(true);
      await store.close();
    }
  });
});
