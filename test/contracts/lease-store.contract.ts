// The LeaseStore port's contract (src/leases/lease-store.port.ts): every adapter passes it.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LeaseStore } from '../../src/leases/lease-store.port.js';

export interface LeaseStoreUnderTest {
  store: LeaseStore;
  cleanup(): Promise<void>;
}

export function leaseStoreContract(name: string, open: () => Promise<LeaseStoreUnderTest>): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let subject: LeaseStoreUnderTest;
    let store: LeaseStore;
    const T0 = 1_800_000_000_000;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('gives a new lease to the first taker at epoch 1 and refuses it to a second one while it lasts', async () => {
      expect(await store.acquire('relay', 'a/1', 1000, T0)).toEqual({ name: 'relay', holder: 'a/1', epoch: 1, expiresAt: T0 + 1000 });
      expect(await store.acquire('relay', 'b/1', 1000, T0 + 999)).toBeUndefined();
    });

    it('renews for its holder without changing the epoch, even after it expired when nobody took it', async () => {
      await store.acquire('relay', 'a/1', 1000, T0);
      expect(await store.acquire('relay', 'a/1', 1000, T0 + 500)).toMatchObject({ holder: 'a/1', epoch: 1, expiresAt: T0 + 1500 });
      expect(await store.acquire('relay', 'a/1', 1000, T0 + 5000)).toMatchObject({ holder: 'a/1', epoch: 1, expiresAt: T0 + 6000 });
    });

    it('lets another take an expired lease and raises the epoch; the old holder then cannot renew it', async () => {
      await store.acquire('relay', 'a/1', 1000, T0);
      expect(await store.acquire('relay', 'b/1', 1000, T0 + 1000)).toMatchObject({ holder: 'b/1', epoch: 2 });
      expect(await store.acquire('relay', 'a/1', 1000, T0 + 1001)).toBeUndefined();
    });

    it('lets only one of many racing takers have an expired lease', async () => {
      await store.acquire('relay', 'a/1', 1000, T0);
      const outcomes = await Promise.all(['b/1', 'c/1', 'd/1', 'e/1'].map((holder) => store.acquire('relay', holder, 1000, T0 + 2000)));
      expect(outcomes.filter((lease) => lease !== undefined)).toHaveLength(1);
      expect((await store.list()).find((lease) => lease.name === 'relay')).toMatchObject({ epoch: 2 });
    });

    it('lets only one of many racing takers create a lease', async () => {
      const outcomes = await Promise.all(['a/1', 'b/1', 'c/1'].map((holder) => store.acquire('deadlines', holder, 1000, T0)));
      expect(outcomes.filter((lease) => lease !== undefined)).toEqual([expect.objectContaining({ epoch: 1 })]);
    });

    it('frees a released lease at once; the next taker, even the same one, gets a higher epoch', async () => {
      await store.acquire('relay', 'a/1', 1000, T0);
      await store.release('relay', 'b/1', T0 + 1); // not b's: nothing happens
      expect(await store.acquire('relay', 'c/1', 1000, T0 + 2)).toBeUndefined();
      await store.release('relay', 'a/1', T0 + 3);
      expect((await store.list())[0]).toMatchObject({ holder: null, epoch: 1 });
      expect(await store.acquire('relay', 'a/1', 1000, T0 + 4)).toMatchObject({ holder: 'a/1', epoch: 2 });
    });

    it('keeps a roster of live instances by heartbeat', async () => {
      await store.heartbeat('a/1', 1000, T0);
      await store.heartbeat('b/1', 1000, T0 + 500);
      expect((await store.liveInstances(T0 + 999)).map((each) => each.holder)).toEqual(['a/1', 'b/1']);
      expect((await store.liveInstances(T0 + 1000)).map((each) => each.holder)).toEqual(['b/1']);
      await store.leave('b/1');
      expect(await store.liveInstances(T0 + 1000)).toEqual([]);
    });
  });
}
