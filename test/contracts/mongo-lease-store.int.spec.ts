// The MongoDB lease store against a MongoDB (a real server, or the wire-protocol double of
// `npm run doubles`); MONGODB_URL unset, it reports itself skipped with the reason.
import { randomUUID } from 'node:crypto';
import { MongoLeaseStore } from '../../src/leases/mongo/mongo-lease-store.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';
import { leaseStoreContract } from './lease-store.contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  leaseStoreContract('MongoLeaseStore', async () => {
    const name = `orderstream_leases_${randomUUID().slice(0, 8)}`;
    const store = MongoLeaseStore.connect(databaseUrl(url, name));
    return {
      store,
      async cleanup() {
        await store.close();
        await dropDatabase(url, name);
      },
    };
  });
} else {
  skippedWithoutMongo('LeaseStore contract: MongoLeaseStore');
}
