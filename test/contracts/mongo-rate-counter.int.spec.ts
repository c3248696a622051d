// The shared counters on a MongoDB (a real server, or the wire-protocol double of `npm run
// doubles`), two connections standing for two instances drawing on one budget; MONGODB_URL unset,
// it reports itself skipped with the reason.
import { randomUUID } from 'node:crypto';
import { MongoRateCounters } from '../../src/access/mongo/mongo-rate-counter.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../support/mongo-under-test.js';
import { rateCounterContract } from './rate-counter.contract.js';

const url = process.env.MONGODB_URL;

if (url) {
  rateCounterContract('MongoDB, shared by two instances', async () => {
    const name = `orderstream_rates_${randomUUID().slice(0, 8)}`;
    let time = 1_800_000_000_000;
    const now = () => time;
    const stores = [MongoRateCounters.connect(databaseUrl(url, name), now), MongoRateCounters.connect(databaseUrl(url, name), now)];
    return {
      instances: stores.map((store) => store.counters),
      advance: (ms) => (time += ms),
      async cleanup() {
        await Promise.all(stores.map((store) => store.close()));
        await dropDatabase(url, name);
      },
    };
  });
} else {
  skippedWithoutMongo('Rate counters: MongoDB, shared by two instances');
}
