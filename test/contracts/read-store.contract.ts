// The ReadStore contract: the executable definition of the port. Every adapter runs these
// same tests (embedded-read-store.int.spec.ts; a MongoDB adapter later), so nothing here may
// depend on how an adapter works inside.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DocumentWrite, ParkedEvent, ReadDocument, ReadStore } from '../../src/readstore/read-store.port.js';
import { UniqueIndexViolationError, UnsafeQueryError } from '../../src/readstore/read-store.errors.js';

export interface ReadStoreUnderTest {
  store: ReadStore;
  /** Closes whichever store is current and removes what the test created. */
  cleanup(): Promise<void>;
  /** Closes the store and opens a new one over the same data, as a restart would. */
  reopen?(): Promise<ReadStore>;
}

interface Customer extends ReadDocument {
  name: string;
  email: string;
  tier: 'gold' | 'silver';
  orders: number;
}

const CUSTOMERS = 'contract_customers_v1';

const customer = (id: string, position: number, fields: Partial<Customer> = {}): Customer => ({
  _id: id,
  _position: position,
  name: `Customer ${id}`,
  email: `${id}@example.test`,
  tier: 'silver',
  orders: 0,
  ...fields,
});

const upsert = (doc: ReadDocument): DocumentWrite => ({ op: 'upsert', collection: CUSTOMERS, doc });
const remove = (id: string, position: number): DocumentWrite => ({ op: 'delete', collection: CUSTOMERS, id, position });

const parkedEvent = (subscriber: string, position: bigint, fields: Partial<ParkedEvent> = {}): ParkedEvent => ({
  subscriber,
  position,
  streamId: 'order-1',
  revision: 3,
  eventId: `event-${position}`,
  type: 'OrderPlaced',
  error: 'evolve failed',
  attempts: 4,
  parkedAt: '2026-11-22T10:00:00.000Z',
  ...fields,
});

export function readStoreContract(name: string, make: () => Promise<ReadStoreUnderTest>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let subject: ReadStoreUnderTest;
    let store: ReadStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
      await store.ensureCollection({
        name: CUSTOMERS,
        indexes: [{ fields: { email: 1 }, unique: true }, { fields: { tier: 1 } }],
      });
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    const seed = (...docs: Customer[]) => store.commit({ subscriber: 'seed', writes: docs.map(upsert), checkpoint: 1000n });

    describe('reading', () => {
      it('finds a document by id, and answers null for a missing one', async () => {
        await seed(customer('c1', 5));
        expect(await store.findById<Customer>(CUSTOMERS, 'c1')).toEqual(customer('c1', 5));
        expect(await store.findById(CUSTOMERS, 'nobody')).toBeNull();
      });

      it('hands out copies: changing a returned document does not change the store', async () => {
        await seed(customer('c1', 5));
        const copy = (await store.findById<Customer>(CUSTOMERS, 'c1'))!;
        copy.name = 'changed';
        const [listed] = await store.find<Customer>(CUSTOMERS, { _id: 'c1' });
        listed!.orders = 99;
        expect(await store.findById(CUSTOMERS, 'c1')).toEqual(customer('c1', 5));
      });

      it('finds several documents by id, leaving out the missing ones', async () => {
        await seed(customer('c1', 5), customer('c2', 6), customer('c3', 7));
        const found = await store.findByIds<Customer>(CUSTOMERS, ['c1', 'c3', 'nobody']);
        expect([...found.keys()].sort()).toEqual(['c1', 'c3']);
        expect(found.get('c3')).toEqual(customer('c3', 7));
      });

      it('finds with a filter, a sort and a limit, and counts with a filter', async () => {
        await seed(
          customer('c1', 1, { tier: 'gold', orders: 3 }),
          customer('c2', 2, { tier: 'silver', orders: 9 }),
          customer('c3', 3, { tier: 'gold', orders: 7 }),
          customer('c4', 4, { tier: 'gold', orders: 1 }),
        );
        const top = await store.find<Customer>(CUSTOMERS, { tier: 'gold' }, { sort: { orders: -1 }, limit: 2 });
        expect(top.map((doc) => doc._id)).toEqual(['c3', 'c1']);
        const busy = await store.find<Customer>(CUSTOMERS, { orders: { $gte: 3 } }, { sort: { _id: 1 } });
        expect(busy.map((doc) => doc._id)).toEqual(['c1', 'c2', 'c3']);
        expect(await store.count(CUSTOMERS, { tier: 'gold' })).toBe(3);
        expect(await store.count(CUSTOMERS, { tier: 'gold', orders: { $lt: 5 } })).toBe(2);
        expect(await store.count(CUSTOMERS, {})).toBe(4);
      });

      it('looks up by an indexed field exactly, whatever else the collection holds', async () => {
        await seed(customer('c1', 1, { email: 'a@x.test' }), customer('c2', 2, { email: 'b@x.test' }));
        expect((await store.find(CUSTOMERS, { email: 'b@x.test' })).map((doc) => doc._id)).toEqual(['c2']);
        expect(await store.find(CUSTOMERS, { email: { $eq: 'a@x.test' }, tier: 'gold' })).toEqual([]);
        expect(await store.count(CUSTOMERS, { email: 'nobody@x.test' })).toBe(0);
      });

      it('answers an empty result for a collection that holds nothing', async () => {
        expect(await store.find('contract_never_written', {})).toEqual([]);
        expect(await store.count('contract_never_written', {})).toBe(0);
        expect(await store.findById('contract_never_written', 'x')).toBeNull();
      });

      it('refuses queries that would run JavaScript', async () => {
        await seed(customer('c1', 1));
        await expect(store.find(CUSTOMERS, { $where: 'true' })).rejects.toThrow(UnsafeQueryError);
        await expect(
          store.count(CUSTOMERS, { $expr: { $function: { body: 'function () { return true; }', args: [], lang: 'js' } } }),
        ).rejects.toThrow(UnsafeQueryError);
        await expect(store.find(CUSTOMERS, { $and: [{ tier: 'gold' }, { $where: 'true' }] })).rejects.toThrow(UnsafeQueryError);
      });
    });

    describe('guarded writes', () => {
      it('applies an upsert only when it is newer than the stored document', async () => {
        await seed(customer('c1', 10, { orders: 1 }));
        await store.commit({ subscriber: 's', writes: [upsert(customer('c1', 9, { orders: 2 }))], checkpoint: 9n });
        await store.commit({ subscriber: 's', writes: [upsert(customer('c1', 10, { orders: 3 }))], checkpoint: 10n });
        expect(await store.findById(CUSTOMERS, 'c1')).toEqual(customer('c1', 10, { orders: 1 }));
        await store.commit({ subscriber: 's', writes: [upsert(customer('c1', 11, { orders: 4 }))], checkpoint: 11n });
        expect(await store.findById(CUSTOMERS, 'c1')).toEqual(customer('c1', 11, { orders: 4 }));
      });

      it('applies a delete only when it is newer than the stored document', async () => {
        await seed(customer('c1', 10));
        await store.commit({ subscriber: 's', writes: [remove('c1', 9), remove('c1', 10)], checkpoint: 10n });
        expect(await store.findById(CUSTOMERS, 'c1')).not.toBeNull();
        await store.commit({ subscriber: 's', writes: [remove('c1', 11)], checkpoint: 11n });
        expect(await store.findById(CUSTOMERS, 'c1')).toBeNull();
        expect(await store.count(CUSTOMERS, {})).toBe(0);
      });

      it('judges each write of a batch against the writes before it', async () => {
        const writes = [upsert(customer('c1', 3, { orders: 3 })), upsert(customer('c1', 2, { orders: 2 })), remove('c2', 4)];
        await store.commit({ subscriber: 's', writes: [upsert(customer('c2', 1)), ...writes], checkpoint: 4n });
        expect(await store.findById(CUSTOMERS, 'c1')).toEqual(customer('c1', 3, { orders: 3 }));
        expect(await store.findById(CUSTOMERS, 'c2')).toBeNull();
      });

      it('changes nothing when the same batch is committed twice', async () => {
        await seed(customer('c1', 1), customer('c2', 2));
        const batch = {
          subscriber: 's',
          writes: [upsert(customer('c1', 5, { orders: 5 })), remove('c2', 6), upsert(customer('c3', 7))],
          checkpoint: 7n,
        };
        await store.commit(batch);
        const once = await store.find(CUSTOMERS, {}, { sort: { _id: 1 } });
        await store.commit(batch);
        expect(await store.find(CUSTOMERS, {}, { sort: { _id: 1 } })).toEqual(once);
        expect(once.map((doc) => doc._id)).toEqual(['c1', 'c3']);
        expect(await store.getCheckpoint('s')).toBe(7n);
      });
    });

    describe('unique indexes', () => {
      it('rejects a commit that duplicates a unique key, and applies none of it', async () => {
        await seed(customer('c1', 1, { email: 'taken@x.test' }));
        const commit = store.commit({
          subscriber: 's',
          writes: [upsert(customer('c2', 2, { orders: 1 })), upsert(customer('c3', 3, { email: 'taken@x.test' }))],
          checkpoint: 3n,
        });
        await expect(commit).rejects.toThrow(UniqueIndexViolationError);
        expect(await store.findById(CUSTOMERS, 'c2')).toBeNull();
        expect(await store.findById(CUSTOMERS, 'c3')).toBeNull();
        expect(await store.getCheckpoint('s')).toBeUndefined();
      });

      it('rejects two new documents of one batch sharing a unique key', async () => {
        const writes = [upsert(customer('c1', 1, { email: 'same@x.test' })), upsert(customer('c2', 2, { email: 'same@x.test' }))];
        await expect(store.commit({ subscriber: 's', writes, checkpoint: 2n })).rejects.toThrow(UniqueIndexViolationError);
        expect(await store.count(CUSTOMERS, {})).toBe(0);
      });

      it('lets a document keep its own key, and frees a deleted document key', async () => {
        await seed(customer('c1', 1, { email: 'mine@x.test' }));
        await store.commit({ subscriber: 's', writes: [upsert(customer('c1', 2, { email: 'mine@x.test', orders: 1 }))], checkpoint: 2n });
        await store.commit({ subscriber: 's', writes: [remove('c1', 3), upsert(customer('c2', 4, { email: 'mine@x.test' }))], checkpoint: 4n });
        expect((await store.find(CUSTOMERS, { email: 'mine@x.test' })).map((doc) => doc._id)).toEqual(['c2']);
      });
    });

    describe('collections', () => {
      it('keeps documents when a collection is ensured again, and drops them with the collection', async () => {
        await seed(customer('c1', 1));
        await store.ensureCollection({ name: CUSTOMERS, indexes: [{ fields: { email: 1 }, unique: true }, { fields: { tier: 1 } }] });
        expect(await store.count(CUSTOMERS, {})).toBe(1);
        await store.dropCollection(CUSTOMERS);
        expect(await store.count(CUSTOMERS, {})).toBe(0);
        await store.ensureCollection({ name: CUSTOMERS });
        expect(await store.findById(CUSTOMERS, 'c1')).toBeNull();
      });
    });

    describe('checkpoints', () => {
      it('has no checkpoint until a commit, then the committed one, until reset', async () => {
        expect(await store.getCheckpoint('projector')).toBeUndefined();
        await store.commit({ subscriber: 'projector', writes: [], checkpoint: 42n });
        expect(await store.getCheckpoint('projector')).toBe(42n);
        await store.commit({ subscriber: 'projector', writes: [], checkpoint: 43n });
        expect(await store.getCheckpoint('projector')).toBe(43n);
        expect(await store.getCheckpoint('someone-else')).toBeUndefined();
        await store.resetCheckpoint('projector');
        expect(await store.getCheckpoint('projector')).toBeUndefined();
      });

      it('holds positions beyond 32 bits exactly', async () => {
        await store.commit({ subscriber: 'projector', writes: [], checkpoint: 9_007_199_254_740_993n });
        expect(await store.getCheckpoint('projector')).toBe(9_007_199_254_740_993n);
      });
    });

    describe('parked events', () => {
      it('lists parked events per subscriber in position order, or all of them', async () => {
        await store.park(parkedEvent('a', 7n));
        await store.park(parkedEvent('b', 5n, { type: 'OrderCancelled' }));
        await store.park(parkedEvent('a', 3n, { error: 'boom', attempts: 2 }));
        expect(await store.listParked('a')).toEqual([parkedEvent('a', 3n, { error: 'boom', attempts: 2 }), parkedEvent('a', 7n)]);
        expect(await store.listParked('nobody')).toEqual([]);
        const all = await store.listParked();
        expect(all).toHaveLength(3);
        expect(all).toContainEqual(parkedEvent('b', 5n, { type: 'OrderCancelled' }));
      });

      it('keeps one entry when the same event is parked again (at-least-once delivery)', async () => {
        await store.park(parkedEvent('a', 7n, { attempts: 3 }));
        await store.park(parkedEvent('a', 7n, { attempts: 6, error: 'still failing' }));
        expect(await store.listParked('a')).toEqual([parkedEvent('a', 7n, { attempts: 6, error: 'still failing' })]);
      });

      it('keeps the first resolution of a parked event; the event leaves the list, and parking it again does not bring it back', async () => {
        const skipped = { action: 'skipped' as const, by: 'admin-1', at: '2026-12-03T10:00:00.000Z', reason: 'fixed by hand' };
        await store.park(parkedEvent('a', 7n));
        await store.park(parkedEvent('a', 8n));
        expect(await store.findParked('a', 7n)).toEqual(parkedEvent('a', 7n));
        expect(await store.resolveParked('a', 7n, skipped)).toBe(true);
        expect(await store.resolveParked('a', 7n, { ...skipped, action: 'retried', by: 'admin-2' })).toBe(false);
        expect(await store.findParked('a', 7n)).toEqual({ ...parkedEvent('a', 7n), resolution: skipped });
        expect(await store.listParked('a')).toEqual([parkedEvent('a', 8n)]);
        expect(await store.listParked()).toEqual([parkedEvent('a', 8n)]);
        await store.park(parkedEvent('a', 7n, { attempts: 6 }));
        expect(await store.listParked('a')).toEqual([parkedEvent('a', 8n)]);
        expect((await store.findParked('a', 7n))?.resolution).toEqual(skipped);
      });

      it('resolves nothing that was never parked', async () => {
        expect(await store.resolveParked('a', 9n, { action: 'retried', by: 'admin-1', at: '2026-12-03T10:00:00.000Z', reason: '' })).toBe(false);
        expect(await store.findParked('a', 9n)).toBeNull();
        expect(await store.listParked('a')).toEqual([]);
      });
    });

    describe('restart', () => {
      it('restores documents, indexes, checkpoints and parked events on reopen', async () => {
        // An adapter whose data outlives the process (a MongoDB server) has nothing to reopen.
        if (!subject.reopen) return;
        await seed(customer('c1', 1, { email: 'kept@x.test' }), customer('c2', 2));
        await store.commit({ subscriber: 'projector', writes: [remove('c2', 3)], checkpoint: 3n });
        await store.park(parkedEvent('projector', 2n));
        await store.park(parkedEvent('projector', 4n));
        await store.resolveParked('projector', 4n, { action: 'skipped', by: 'admin-1', at: '2026-12-03T10:00:00.000Z', reason: 'kept' });
        store = await subject.reopen();
        expect((await store.findParked('projector', 4n))?.resolution).toMatchObject({ action: 'skipped', reason: 'kept' });
        expect(await store.findById(CUSTOMERS, 'c1')).toEqual(customer('c1', 1, { email: 'kept@x.test' }));
        expect(await store.findById(CUSTOMERS, 'c2')).toBeNull();
        expect(await store.getCheckpoint('projector')).toBe(3n);
        expect(await store.getCheckpoint('seed')).toBe(1000n);
        expect(await store.listParked('projector')).toEqual([parkedEvent('projector', 2n)]);
        const duplicate = store.commit({ subscriber: 's', writes: [upsert(customer('c9', 9, { email: 'kept@x.test' }))], checkpoint: 9n });
        await expect(duplicate).rejects.toThrow(UniqueIndexViolationError);
      });
    });
  });
}
