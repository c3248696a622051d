// The engine's replay property again, this time through the real read stores, so the guards under
// test are the stores' own, not a model of them: the EmbeddedReadStore, and the MongoReadStore
// through the official driver on the MongoDB wire-protocol TEST DOUBLE (test/mongo-double).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import { EmbeddedReadStore } from '../readstore/embedded/embedded-read-store.js';
import { MongoReadStore } from '../readstore/mongo/mongo-read-store.js';
import type { ReadDocument, ReadStore } from '../readstore/read-store.port.js';
import { mongoDoubleForThisFile } from '../../test/support/mongo-double-under-test.js';
import { cartProjection, recordedCartEvent as at, straightFold, type CartEventType } from './cart-projection.test-fixture.js';
import { ProjectionEngine } from './projection-engine.js';

const projection = cartProjection();
const engine = new ProjectionEngine(projection);
const COLLECTION = projection.collection.name;

function sortedById(docs: ReadonlyMap<string, ReadDocument>): ReadDocument[] {
  return [...docs.values()].sort((x, y) => x._id.localeCompare(y._id));
}

const mongo = mongoDoubleForThisFile();

interface StoreUnderTest {
  store: ReadStore;
  close(): Promise<void>;
}

const stores: Array<[string, () => Promise<StoreUnderTest>, number]> = [
  [
    'the embedded read store',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'orderstream-engine-'));
      const store = new EmbeddedReadStore(join(dir, 'readmodels.db'));
      return {
        store,
        async close() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
    40,
  ],
  [
    'the MongoDB read store (on the wire-protocol test double)',
    async () => {
      const store = MongoReadStore.connect(mongo.freshUrl('orderstream_engine'));
      return { store, close: () => store.close() };
    },
    15,
  ],
];

describe.each(stores)('ProjectionEngine over %s', (_name, open, numRuns) => {
  let underTest: StoreUnderTest;
  let store: ReadStore;

  beforeAll(async () => {
    underTest = await open();
    store = underTest.store;
  });

  afterAll(async () => {
    await underTest.close();
  });

  const eventSpec = fc.record({
    type: fc.constantFrom<CartEventType>('CartOpened', 'ItemAdded', 'ItemAdded', 'CartAbandoned', 'CouponIssued'),
    cartId: fc.constantFrom('a', 'b', 'c'),
    sku: fc.constantFrom('MUG', 'CUP'),
    quantity: fc.integer({ min: 1, max: 5 }),
  });
  const history = fc.array(eventSpec, { minLength: 1, maxLength: 30 }).map((specs) =>
    specs.map(({ type, cartId, sku, quantity }, index) => at(index + 1, type, type === 'ItemAdded' ? { cartId, sku, quantity } : { cartId })),
  );
  const split = (events: RecordedEvent[], cuts: number[]): RecordedEvent[][] => {
    const points = [...new Set(cuts.map((cut) => cut % events.length))].filter((p) => p > 0).sort((x, y) => x - y);
    return [0, ...points].map((start, i) => events.slice(start, points[i] ?? events.length));
  };

  it('gives the straight fold for any batch split, and again when everything is delivered twice', async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.array(fc.nat(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), async (events, firstCuts, secondCuts) => {
        await store.dropCollection(COLLECTION);
        await store.ensureCollection(projection.collection);
        const expected = sortedById(straightFold(projection, events));
        for (const batches of [split(events, firstCuts), split(events, secondCuts)]) {
          for (const batch of batches) {
            const { writes, checkpoint } = await engine.apply(store, batch);
            await store.commit({ subscriber: 'property', writes, checkpoint });
          }
          expect(await store.find(COLLECTION, {}, { sort: { _id: 1 } })).toEqual(expected);
        }
      }),
      { numRuns },
    );
  });
});
