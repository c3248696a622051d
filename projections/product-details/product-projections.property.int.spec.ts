// Property: the product read models are what the inventory domain says they are.
//
// Random sequences of inventory commands (valid and invalid, over a few products) are decided
// through inventoryDecider, the accepted ones turned into RecordedEvent envelopes (positions
// strictly increasing with foreign events in between, revisions per stream), and projected by
// the real ProjectionEngine into the real EmbeddedReadStore (its guarded writes, its unique SKU
// index). Then:
//  (a) after every batch, product-details and product-list hold exactly what folding each
//      product's events so far with inventoryDecider.evolve gives;
//  (b) delivering everything again, in other batch splits, and re-delivering a random window
//      of old events, changes nothing;
//  (c) onHand is never negative: in any domain state, nor in any projected document.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../src/decider/domain-error.js';
import type { RecordedEvent, RecordedOf } from '../../src/eventstore/event-store.port.js';
import { GENESIS_HASH, chainHash } from '../../src/eventstore/hash-chain.js';
import {
  inventoryDecider,
  MAX_QUANTITY,
  productStreamId,
  type InventoryCommand,
  type InventoryEvent,
  type ProductState,
} from '../../src/inventory/inventory.decider.js';
import { productIdForSku } from '../../src/inventory/product-id.js';
import type { Money } from '../../src/money/money.js';
import { EmbeddedReadStore } from '../../src/readstore/embedded/embedded-read-store.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import { projectionCheckpointName } from '../../src/projection-engine/projection.js';
import { ProjectionEngine } from '../../src/projection-engine/projection-engine.js';
import { productListProjection } from '../product-list/product-list.projection.js';
import { productDetailsProjection } from './product-details.projection.js';

const SKUS = ['MUG-RED', 'CUP-1', 'PLATE.9', 'BOWL_X'] as const;
const PRODUCT_IDS = SKUS.map((sku) => productIdForSku(sku));
const DETAILS = productDetailsProjection.collection.name;
const LIST = productListProjection.collection.name;
const engines = [productDetailsProjection, productListProjection].map((projection) => ({
  engine: new ProjectionEngine(projection),
  subscriber: projectionCheckpointName(projection),
  collection: projection.collection,
}));

// ---- commands: mostly valid, some refused by the decider ----

const product = fc.nat({ max: SKUS.length - 1 });
const money: fc.Arbitrary<Money> = fc.record({
  amount: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 50_000 }), weight: 8 }, { arbitrary: fc.constantFrom(0, -100, 12.5), weight: 1 }),
  currency: fc.oneof({ arbitrary: fc.constantFrom('EUR', 'USD'), weight: 8 }, { arbitrary: fc.constantFrom('eur', 'EURO'), weight: 1 }),
});
const label = fc.oneof({ arbitrary: fc.constantFrom('PO-1', ' damaged ', 'count'), weight: 8 }, { arbitrary: fc.constantFrom('', '   '), weight: 1 });

const command: fc.Arbitrary<InventoryCommand> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ p: product, badSku: fc.nat({ max: 9 }), name: label, price: money }).map(({ p, badSku, name, price }) => ({
      type: 'RegisterProduct' as const,
      productId: PRODUCT_IDS[p]!,
      // Now and then a malformed SKU aimed at a product's stream: refused, nothing recorded.
      sku: badSku === 0 ? 'bad sku' : SKUS[p]!,
      name,
      price,
    })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        p: product,
        quantity: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }), weight: 9 }, { arbitrary: fc.constantFrom(0, -3, 2.5, MAX_QUANTITY + 1), weight: 1 }),
        reference: label,
      })
      .map(({ p, quantity, reference }) => ({ type: 'ReceiveStock' as const, productId: PRODUCT_IDS[p]!, quantity, reference })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        p: product,
        // Negative changes often exceed what is on hand: the decider must refuse those.
        quantityChange: fc.oneof({ arbitrary: fc.integer({ min: -60, max: 30 }), weight: 9 }, { arbitrary: fc.constantFrom(-MAX_QUANTITY - 1, 0.5), weight: 1 }),
        reason: label,
      })
      .map(({ p, quantityChange, reason }) => ({ type: 'AdjustStock' as const, productId: PRODUCT_IDS[p]!, quantityChange, reason })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ p: product, price: money })
      .map(({ p, price }) => ({ type: 'ChangePrice' as const, productId: PRODUCT_IDS[p]!, price })),
  },
);

/** Events of other streams and types, between the product events: projections must skip them. */
const gap = fc.nat({ max: 2 });

interface Scenario {
  events: RecordedEvent[];
  accepted: number;
  refused: number;
}

/** Decides the commands one after another, as the command path does, and records the events. */
function record(commands: readonly { command: InventoryCommand; foreign: number }[]): Scenario {
  const streams = new Map<string, { state: ProductState; events: RecordedEvent[]; hash: string }>();
  const events: RecordedEvent[] = [];
  let position = 0n;
  let accepted = 0;
  let refused = 0;
  const append = (streamId: string, revision: number, type: string, data: unknown, prevHash: string): RecordedEvent => {
    position += 1n;
    const eventId = `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`;
    const metadata = {
      actor: { system: 'property' },
      commandId: eventId,
      commandType: type,
      correlationId: eventId,
      causationId: eventId,
      occurredAt: '2026-01-01T00:00:00.000Z',
      prevHash,
    };
    const hash = chainHash({ streamId, revision, eventId, type, schemaVersion: 1, data, metadata });
    const recorded: RecordedEvent = {
      streamId, revision, position, eventId, type, schemaVersion: 1, data,
      recordedAt: '2026-01-01T00:00:00.000Z', metadata: { ...metadata, hash },
    };
    events.push(recorded);
    return recorded;
  };
  for (const { command: cmd, foreign } of commands) {
    for (let i = 0; i < foreign; i++) append(`order-${position}`, 0, 'OrderPlaced', { orderId: `o${position}`, lines: [] }, GENESIS_HASH);
    const streamId = productStreamId(cmd.productId);
    let stream = streams.get(streamId);
    if (!stream) streams.set(streamId, (stream = { state: inventoryDecider.initialState, events: [], hash: GENESIS_HASH }));
    let decided: InventoryEvent[];
    try {
      decided = inventoryDecider.decide(cmd, stream.state);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused += 1;
      continue;
    }
    accepted += 1;
    for (const event of decided) {
      const recorded = append(streamId, stream.events.length, event.type, event.data, stream.hash);
      stream.events.push(recorded);
      stream.hash = recorded.metadata.hash;
      stream.state = inventoryDecider.evolve(stream.state, event);
      // (c) in every domain state
      if (stream.state.status === 'registered') expect(stream.state.onHand).toBeGreaterThanOrEqual(0);
    }
  }
  return { events, accepted, refused };
}

/** What the read models must hold after `events`: each product's events folded by the domain. */
function expectedDocuments(events: readonly RecordedEvent[]): { details: ReadDocument[]; list: ReadDocument[] } {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (!event.streamId.startsWith('product-')) continue;
    byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  }
  const details: ReadDocument[] = [];
  const list: ReadDocument[] = [];
  for (const [streamId, stream] of byStream) {
    let state = inventoryDecider.initialState;
    for (const event of stream) {
      state = inventoryDecider.evolve(state, event as RecordedOf<InventoryEvent>); // a product- stream holds inventory events
      if (state.status === 'registered') expect(state.onHand).toBeGreaterThanOrEqual(0); // (c)
    }
    if (state.status !== 'registered') throw new Error(`${streamId} has events but no registration`);
    const last = stream.at(-1)!;
    const _position = Number(last.position);
    const { productId: _id, sku, name, price, onHand } = state;
    details.push({ _id, _position, sku, name, price, onHand, reserved: 0, available: onHand - 0, revision: last.revision });
    list.push({ _id, _position, sku, name, price, available: onHand });
  }
  const byId = (a: ReadDocument, b: ReadDocument) => a._id.localeCompare(b._id);
  return { details: details.sort(byId), list: list.sort(byId) };
}

/** Recorded scenarios of up to `maxCommands` commands that left at least one event in the log. */
const history = (maxCommands: number) =>
  fc
    .tuple(
      // Most histories start by registering some products, so that later commands have
      // something to act on; the rest register them (or fail to) along the way.
      fc.subarray([...SKUS.keys()]).chain((ps) =>
        fc.tuple(...ps.map((p) => fc.record({ name: fc.constantFrom('Mug', ' Cup '), price: money }).map(({ name, price }) => ({ p, name, price })))),
      ),
      fc.array(fc.record({ command, foreign: gap }), { minLength: 1, maxLength: maxCommands, size: 'max' }),
    )
    .map(([registrations, rest]) =>
      record([
        ...registrations.map(({ p, name, price }) => ({
          command: { type: 'RegisterProduct' as const, productId: PRODUCT_IDS[p]!, sku: SKUS[p]!, name, price },
          foreign: 0,
        })),
        ...rest,
      ]),
    )
    .filter(({ events }) => events.length > 0);

/** Cuts `events` into consecutive batches at the given points. */
function split<T>(events: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((cut) => cut % events.length))].filter((p) => p > 0).sort((x, y) => x - y);
  return [0, ...points].map((start, i) => events.slice(start, points[i] ?? events.length));
}

describe('product projections against the inventory domain', () => {
  let dir: string;
  let store: EmbeddedReadStore;
  let totals = { runs: 0, accepted: 0, refused: 0, events: 0 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-product-property-'));
    store = new EmbeddedReadStore(join(dir, 'readmodels.db'));
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const stored = async () => ({
    details: await store.find(DETAILS, {}, { sort: { _id: 1 } }),
    list: await store.find(LIST, {}, { sort: { _id: 1 } }),
  });

  async function deliver(batch: readonly RecordedEvent[]): Promise<void> {
    for (const { engine, subscriber } of engines) {
      const { writes, checkpoint } = await engine.apply(store, batch);
      expect(checkpoint).toBe(batch.at(-1)!.position);
      await store.commit({ subscriber, writes, checkpoint });
    }
  }

  it('read models equal the domain fold after every batch, for any batch split, replay and redelivery', async () => {
    const scenario = history(60);
    await fc.assert(
      fc.asyncProperty(
        scenario,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.tuple(fc.nat(), fc.nat(), fc.array(fc.nat(), { maxLength: 4 })),
        async ({ events, accepted, refused }, firstCuts, secondCuts, [windowStart, windowLength, windowCuts]) => {
          totals = { runs: totals.runs + 1, accepted: totals.accepted + accepted, refused: totals.refused + refused, events: totals.events + events.length };
          for (const { collection } of engines) {
            await store.dropCollection(collection.name);
            await store.ensureCollection(collection);
          }
          // Positions strictly increasing, revisions 0.. per stream: the envelopes are well formed.
          for (let i = 1; i < events.length; i++) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);

          // (a) first delivery, checked after every batch against the fold of the prefix.
          let delivered = 0;
          for (const batch of split(events, firstCuts)) {
            await deliver(batch);
            delivered += batch.length;
            const now = await stored();
            expect(now).toEqual(expectedDocuments(events.slice(0, delivered)));
            for (const doc of now.details) expect(doc.onHand).toBeGreaterThanOrEqual(0); // (c)
            for (const doc of now.list) expect(doc.available).toBeGreaterThanOrEqual(0);
          }
          const expected = expectedDocuments(events);
          expect(await stored()).toEqual(expected);

          // (b) everything again in another split: nothing changes.
          for (const batch of split(events, secondCuts)) await deliver(batch);
          expect(await stored()).toEqual(expected);

          // (b) a window of old events re-delivered (a resubscription from an older checkpoint).
          const start = windowStart % events.length;
          const window = events.slice(start, start + 1 + (windowLength % (events.length - start)));
          for (const batch of split(window, windowCuts)) await deliver(batch);
          expect(await stored()).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
    // The generator really exercises both paths of the decider.
    expect(totals.accepted).toBeGreaterThan(0);
    expect(totals.refused).toBeGreaterThan(0);
  });

  it('a straight evolve fold of each projection agrees with the engine on a long history', () => {
    // The engine's writes in one batch, without a store, against the same domain fold: guards
    // the property above from passing because of the store alone.
    fc.assert(
      fc.property(history(200), ({ events }) => {
        const expected = expectedDocuments(events);
        const [details, list] = engines.map(({ engine }) =>
          engine
            .project(new Map(), events)
            .writes.map((write) => {
              if (write.op !== 'upsert') throw new Error(`unexpected ${write.op}`);
              return write.doc;
            })
            .sort((a, b) => a._id.localeCompare(b._id)),
        );
        expect({ details, list }).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
