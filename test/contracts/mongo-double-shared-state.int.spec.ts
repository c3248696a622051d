// What several instances share on MongoDB, through the official driver on the wire-protocol TEST
// DOUBLE (test/mongo-double), in every CI run: the leases, idempotency keys and login throttles
// pass their ports' contracts, and a read store commit made under a lease is fenced by its epoch.
// The same contracts run against a real server (mongo-*.int.spec.ts) when MONGODB_URL is set.
import { describe, expect, it } from '@jest/globals';
import { MongoRateCounters } from '../../src/access/mongo/mongo-rate-counter.js';
import { MongoIdempotencyStore } from '../../src/idempotency/mongo/mongo-idempotency-store.js';
import { MongoLeaseStore } from '../../src/leases/mongo/mongo-lease-store.js';
import { FencedWriteError } from '../../src/readstore/read-store.errors.js';
import { MongoReadStore } from '../../src/readstore/mongo/mongo-read-store.js';
import { mongoDoubleForThisFile } from '../support/mongo-double-under-test.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';
import { leaseStoreContract } from './lease-store.contract.js';
import { rateCounterContract } from './rate-counter.contract.js';

const server = mongoDoubleForThisFile();

leaseStoreContract('MongoLeaseStore (MongoDB wire-protocol test double)', async () => {
  const store = MongoLeaseStore.connect(server.freshUrl('orderstream_leases'));
  return { store, cleanup: () => store.close() };
});

idempotencyStoreContract('MongoIdempotencyStore (MongoDB wire-protocol test double)', async () => {
  const url = server.freshUrl('orderstream_idempotency');
  const store = MongoIdempotencyStore.connect(url, 3600);
  const other = MongoIdempotencyStore.connect(url, 3600);
  return { store, other, cleanup: async () => void (await Promise.all([store.close(), other.close()])) };
});

rateCounterContract('MongoDB, shared by two instances (wire-protocol test double)', async () => {
  const url = server.freshUrl('orderstream_rates');
  let time = 1_800_000_000_000;
  const stores = [MongoRateCounters.connect(url, () => time), MongoRateCounters.connect(url, () => time)];
  return {
    instances: stores.map((store) => store.counters),
    advance: (ms) => (time += ms),
    cleanup: async () => void (await Promise.all(stores.map((store) => store.close()))),
  };
});

describe('A read store commit fenced by a lease (MongoDB wire-protocol test double)', () => {
  const doc = (id: string, position: number, value: string) => ({ _id: id, _position: position, value });

  it('applies a commit made at the lease epoch and refuses, writing nothing, one made at an epoch the lease has left', async () => {
    const url = server.freshUrl('orderstream_fence');
    const leases = MongoLeaseStore.connect(url);
    const readStore = MongoReadStore.connect(url);
    try {
      await readStore.ensureCollection({ name: 'things_v1' });
      const now = Date.now();
      const paused = await leases.acquire('things', 'a/1', 1000, now);
      await readStore.commit({ subscriber: 'things', writes: [{ op: 'upsert', collection: 'things_v1', doc: doc('t1', 5, 'old holder') }], checkpoint: 5n, fence: { lease: 'things', epoch: paused!.epoch } });
      // The holder pauses past its lease; another instance takes it over and moves on.
      const taker = await leases.acquire('things', 'b/1', 1000, now + 1000);
      expect(taker!.epoch).toBe(paused!.epoch + 1);
      await readStore.commit({ subscriber: 'things', writes: [{ op: 'upsert', collection: 'things_v1', doc: doc('t1', 9, 'new holder') }], checkpoint: 9n, fence: { lease: 'things', epoch: taker!.epoch } });
      // The old holder wakes with a batch it had read before the pause: a later document, an older checkpoint.
      const stale = readStore.commit({
        subscriber: 'things',
        writes: [{ op: 'upsert', collection: 'things_v1', doc: doc('t2', 7, 'stale') }],
        checkpoint: 7n,
        fence: { lease: 'things', epoch: paused!.epoch },
      });
      await expect(stale).rejects.toBeInstanceOf(FencedWriteError);
      expect(await readStore.getCheckpoint('things')).toBe(9n);
      expect(await readStore.findById('things_v1', 't2')).toBeNull();
      expect(await readStore.findById('things_v1', 't1')).toMatchObject({ value: 'new holder' });
    } finally {
      await Promise.all([leases.close(), readStore.close()]);
    }
  });

  it('never moves a fenced checkpoint back: a holder that took over from an older checkpoint re-applies, the checkpoint stays', async () => {
    const url = server.freshUrl('orderstream_fence_forward');
    const leases = MongoLeaseStore.connect(url);
    const readStore = MongoReadStore.connect(url);
    try {
      await readStore.ensureCollection({ name: 'things_v1' });
      const now = Date.now();
      const first = await leases.acquire('things', 'a/1', 1000, now);
      // The new holder read the checkpoint (3) before the old holder's last commit (to 8) landed.
      const second = await leases.acquire('things', 'b/1', 1000, now + 1000);
      await readStore.commit({ subscriber: 'things', writes: [], checkpoint: 8n }); // what the old holder left, unfenced here for the setup
      await readStore.commit({ subscriber: 'things', writes: [{ op: 'upsert', collection: 'things_v1', doc: doc('t1', 5, 'again') }], checkpoint: 5n, fence: { lease: 'things', epoch: second!.epoch } });
      expect(await readStore.getCheckpoint('things')).toBe(8n);
      expect(first!.epoch).toBeLessThan(second!.epoch);
    } finally {
      await Promise.all([leases.close(), readStore.close()]);
    }
  });

  it('orders a commit and a take-over racing each other: a commit that lands is never fenced after the fact', async () => {
    const url = server.freshUrl('orderstream_fence_race');
    const leases = MongoLeaseStore.connect(url);
    const readStore = MongoReadStore.connect(url);
    try {
      await readStore.ensureCollection({ name: 'things_v1' });
      const now = Date.now();
      const held = await leases.acquire('things', 'a/1', 1000, now);
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 10 }, (_, i) =>
          readStore.commit({ subscriber: 'things', writes: [{ op: 'upsert', collection: 'things_v1', doc: doc(`r${i}`, i + 1, 'a') }], checkpoint: BigInt(i + 1), fence: { lease: 'things', epoch: held!.epoch } }),
        ),
        leases.acquire('things', 'b/1', 1000, now + 1000),
      ]);
      const commits = outcomes.slice(0, 10);
      for (const [i, outcome] of commits.entries()) {
        const stored = await readStore.findById('things_v1', `r${i}`);
        // Either it committed (and its document is there) or it was fenced (and nothing is).
        if (outcome.status === 'fulfilled') expect(stored).not.toBeNull();
        else {
          expect(outcome.reason).toBeInstanceOf(FencedWriteError);
          expect(stored).toBeNull();
        }
      }
      expect((await leases.list())[0]).toMatchObject({ holder: 'b/1', epoch: held!.epoch + 1 });
    } finally {
      await Promise.all([leases.close(), readStore.close()]);
    }
  });
});
