// The MongoDB idempotency store against a MongoDB (a real server, or the wire-protocol double of
// `npm run doubles`), two connections standing for two instances; MONGODB_URL unset, it reports
// itself skipped with the reason.
import { randomUUID } from 'node:crypto';
import { MongoIdempotencyStore } from '../../src/idempotency/mongo/mongo-idempotency-store.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  idempotencyStoreContract('MongoIdempotencyStore', async () => {
    const name = `orderstream_idempotency_${randomUUID().slice(0, 8)}`;
    const store = MongoIdempotencyStore.connect(databaseUrl(url, name), 3600);
    const other = MongoIdempotencyStore.connect(databaseUrl(url, name), 3600);
    return {
      store,
      other,
      async cleanup() {
        await store.close();
        await other.close();
        await dropDatabase(url, name);
      },
    };
  });
} else {
  skippedWithoutMongo('IdempotencyStore contract: MongoIdempotencyStore');
}
