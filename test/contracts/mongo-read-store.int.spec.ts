// The MongoDB read store against a real server (a replica set: commits are transactions).
// MONGODB_URL unset: the suite reports itself skipped with the reason (test/support/mongo-under-test.ts).
// `docker compose up -d mongodb` provides one: MONGODB_URL='mongodb://localhost:27017/?directConnection=true'
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { WriteRejectedError } from '../../src/readstore/read-store.errors.js';
import { MongoReadStore } from '../../src/readstore/mongo/mongo-read-store.js';
import { readStoreContract } from './read-store.contract.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';

const url = process.env.MONGODB_URL;

if (url) {
  readStoreContract('MongoReadStore (real server)', async () => {
    const name = `orderstream_contract_${randomUUID().slice(0, 8)}`;
    let current = MongoReadStore.connect(databaseUrl(url, name));
    return {
      store: current,
      async reopen() {
        await current.close();
        current = MongoReadStore.connect(databaseUrl(url, name));
        return current;
      },
      async cleanup() {
        await current.close();
        await dropDatabase(url, name);
      },
    };
  });

  describe('MongoReadStore specifics (real server)', () => {
    it('refuses documents with $-prefixed field names at any depth, and writes nothing of that commit', async () => {
      const name = `orderstream_contract_${randomUUID().slice(0, 8)}`;
      const store = MongoReadStore.connect(databaseUrl(url, name));
      try {
        await store.ensureCollection({ name: 'things_v1' });
        const bad = { _id: 'a', _position: 1, attributes: { $where: 'x' } };
        await expect(store.commit({ subscriber: 's', writes: [{ op: 'upsert', collection: 'things_v1', doc: bad }], checkpoint: 1n })).rejects.toBeInstanceOf(
          WriteRejectedError,
        );
        expect(await store.getCheckpoint('s')).toBeUndefined();
      } finally {
        await store.close();
        await dropDatabase(url, name);
      }
    });
  });
} else {
  skippedWithoutMongo('ReadStore contract: MongoReadStore (real server)');
}
