// The MongoDB read store against a real server (a replica set: commits are transactions).
// MONGODB_URL unset: the suite reports itself skipped with the reason, as a skipped test whose
// title says why (not describe.skip, which hides it, and not a passing test that asserts nothing).
// `docker compose up -d mongodb` provides one: MONGODB_URL='mongodb://localhost:27017/?directConnection=true'
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { WriteRejectedError } from '../../src/readstore/read-store.errors.js';
import { MongoReadStore } from '../../src/readstore/mongo/mongo-read-store.js';
import { readStoreContract } from './read-store.contract.js';

const url = process.env.MONGODB_URL;

/** The same server, another database: every test gets its own and drops it afterwards. */
function databaseUrl(base: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(base);
  if (!match) throw new Error(`MONGODB_URL is not a mongodb:// connection string: ${base}`);
  return `${match[1]}/${name}${match[2] ?? ''}`;
}

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
        const admin = new MongoClient(url);
        try {
          await admin.db(name).dropDatabase();
        } finally {
          await admin.close();
        }
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
        const admin = new MongoClient(url);
        await admin.db(name).dropDatabase();
        await admin.close();
      }
    });
  });
} else {
  describe('ReadStore contract: MongoReadStore (real server)', () => {
    const reason = "SKIPPED: MONGODB_URL is not set (docker compose up -d mongodb, then MONGODB_URL='mongodb://localhost:27017/?directConnection=true')";
    // Written straight to stderr as well: Jest drops the console output of a suite that only skips,
    // and shows skipped titles only with --verbose.
    process.stderr.write(`${reason}\n`);
    it.skip(reason, () => {});
  });
}
