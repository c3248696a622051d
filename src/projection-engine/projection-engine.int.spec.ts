// The engine's replay property again, this time through the real EmbeddedReadStore, so the
// guards under test are the store's own, not a model of them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import { EmbeddedReadStore } from '../readstore/embedded/embedded-read-store.js';
import type { ReadDocument } from '../readstore/read-store.port.js';
import { cartProjection, recordedCartEvent as at, straightFold, type CartEventType } from './cart-projection.test-fixture.js';
import { ProjectionEngine } from './projection-engine.js';

const projection = cartProjection();
const engine = new ProjectionEngine(projection);
const COLLECTION = projection.collection.name;

function sortedById(docs: ReadonlyMap<string, ReadDocument>): ReadDocument[] {
  return [...docs.values()].sort((x, y) => x._id.localeCompare(y._id));
}

describe('ProjectionEngine over the embedded read store', () => {
  let dir: string;
  let store: EmbeddedReadStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-engine-'));
    store = new EmbeddedReadStore(join(dir, 'readmodels.db'));
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
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
      { numRuns: 40 },
    );
  });
});
