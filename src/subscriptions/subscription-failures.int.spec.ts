import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RecordedEvent, SubscribeOptions, SubscriptionMessage } from '../eventstore/event-store.port.js';
import type { ProjectionBatch } from '../readstore/read-store.port.js';
import { cartProjection, type Cart, type CartData } from '../projection-engine/cart-projection.test-fixture.js';
import { Harness, metricValue, PATIENCE_MS, uniqueName } from '../../test/support/subscription-harness.js';
import { projectionCheckpointName, type DocumentProjection } from '../projection-engine/projection.js';
import { StorageFaultError } from '../sqlite/storage-monitor.js';

const isPoison = (event: RecordedEvent) => (event.data as CartData).sku === 'POISON';

describe('SubscriptionRunner when things fail', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await Harness.create();
  });

  afterEach(async () => {
    await harness.cleanup();
  });

  it('retries a poison event, parks it with its error, and projects the events around it', async () => {
    let poisonTries = 0;
    const carts = cartProjection({ name: uniqueName('carts'), throwOn: (event) => isPoison(event) && ++poisonTries > 0 });
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    const poison = await harness.append('ItemAdded', { cartId: 'a', sku: 'POISON', quantity: 1 });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'CUP', quantity: 2 });
    await harness.append('CartOpened', { cartId: 'b' });
    const runner = harness.runner({ projections: [carts] });
    runner.start();

    expect(await runner.waitForPosition([carts.name], 5n, PATIENCE_MS)).toBe(true);
    const subscriber = projectionCheckpointName(carts);
    const parked = await harness.readStore.listParked(subscriber);
    expect(parked).toEqual([
      expect.objectContaining({ subscriber, position: poison, type: 'ItemAdded', streamId: 'cart-a', error: `cannot project event ${parked[0]?.eventId}` }),
    ]);
    // Tried as part of its batch (2 tries) unless it arrived alone, then on its own (3 tries).
    expect([3, 5]).toContain(parked[0]!.attempts);
    expect(poisonTries).toBe(parked[0]!.attempts);
    expect(await harness.readStore.findById<Cart>(carts.collection.name, 'a')).toEqual({ _id: 'a', _position: 4, items: { MUG: 1, CUP: 2 }, applied: 3 });
    expect(await harness.readStore.findById<Cart>(carts.collection.name, 'b')).toMatchObject({ applied: 1 });
    expect(await harness.readStore.getCheckpoint(subscriber)).toBe(5n);
    expect(await metricValue('orderstream_parked_events_total', subscriber)).toBe(1);
    expect((await runner.status())[0]).toMatchObject({ parked: 1, checkpoint: '5' });
    expect(harness.logger.lines).toContainEqual({ level: 'error', message: expect.stringContaining(`parked event ${poison}`) });
  });

  it('does not park an event that succeeds on a retry', async () => {
    let failuresLeft = 2;
    const carts = cartProjection({ name: uniqueName('carts'), throwOn: (event) => event.position === 2n && failuresLeft-- > 0 });
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    const runner = harness.runner({ projections: [carts] });
    runner.start();

    expect(await runner.waitForPosition([carts.name], 3n, PATIENCE_MS)).toBe(true);
    expect(failuresLeft).toBe(-1); // failed twice, then went through
    expect(await harness.readStore.listParked(projectionCheckpointName(carts))).toEqual([]);
    expect(await metricValue('orderstream_parked_events_total', projectionCheckpointName(carts))).toBe(0);
    expect(await harness.readStore.findById<Cart>(carts.collection.name, 'a')).toEqual({ _id: 'a', _position: 3, items: { MUG: 2 }, applied: 3 });
    expect((await runner.status())[0]).toMatchObject({ lastError: null });
  });

  it('parks an event whose document a unique index refuses', async () => {
    const name = uniqueName('carts');
    const base = cartProjection({ name });
    // Every cart's first item SKU must be unique across carts: the second cart breaks it.
    const carts: DocumentProjection<Cart> = {
      ...base,
      collection: { name: base.collection.name, indexes: [{ fields: { firstSku: 1 }, unique: true }] },
      evolve(current, event) {
        const next = base.evolve(current, event);
        return next && { ...next, firstSku: Object.keys(next.items)[0] ?? `none-${next._id}` };
      },
    };
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    const clash = await harness.append('ItemAdded', { cartId: 'b', sku: 'MUG', quantity: 1 });
    await harness.append('ItemAdded', { cartId: 'c', sku: 'CUP', quantity: 1 });
    const runner = harness.runner({ projections: [carts] });
    runner.start();

    expect(await runner.waitForPosition([name], 3n, PATIENCE_MS)).toBe(true);
    const parked = await harness.readStore.listParked(projectionCheckpointName(carts));
    expect(parked.map((event) => [event.position, event.error])).toEqual([[clash, expect.stringContaining('Unique index firstSku_1')]]);
    expect((await harness.readStore.find(carts.collection.name, {}, { sort: { _id: 1 } })).map((doc) => doc._id)).toEqual(['a', 'c']);
  });

  it('parks a failing event of a generic handler and moves on', async () => {
    const handled: bigint[] = [];
    const handler = {
      name: uniqueName('saga'),
      async handle(events: readonly RecordedEvent[]) {
        if (events.some(isPoison)) throw new Error('payment service said no');
        handled.push(...events.map((event) => event.position));
      },
    };
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'POISON', quantity: 1 });
    await harness.append('CartOpened', { cartId: 'b' });
    const runner = harness.runner({ handlers: [handler] });
    runner.start();

    expect(await runner.waitForPosition([handler.name], 3n, PATIENCE_MS)).toBe(true);
    expect(handled.sort()).toEqual([1n, 3n]);
    expect((await harness.readStore.listParked(handler.name)).map((event) => [event.position, event.error])).toEqual([[2n, 'payment service said no']]);
  });

  it('waits out a store outage met by a generic handler (a saga whose appends hit a full disk) without parking, and loses nothing', async () => {
    const handled: bigint[] = [];
    let outagesLeft = 6; // more than the tries an event gets before it is parked
    const handler = {
      name: uniqueName('saga'),
      async handle(events: readonly RecordedEvent[]) {
        if (outagesLeft-- > 0) throw new StorageFaultError('event store', Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
        handled.push(...events.map((event) => event.position));
      },
    };
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('CartOpened', { cartId: 'b' });
    const runner = harness.runner({ handlers: [handler] });
    runner.start();

    expect(await runner.waitForPosition([handler.name], 2n, PATIENCE_MS)).toBe(true);
    expect(await harness.readStore.listParked(handler.name)).toEqual([]);
    expect(handled.sort()).toEqual([1n, 2n]);
    expect(outagesLeft).toBeLessThan(0);
  });

  it('waits out a read store outage without parking, and loses nothing', async () => {
    const store = harness.readStore;
    let outageCommits = 3;
    const flakyStore = Object.create(store) as typeof store;
    flakyStore.commit = async (batch: ProjectionBatch) => {
      if (outageCommits-- > 0) throw new Error('disk unavailable');
      return store.commit(batch);
    };
    const carts = cartProjection({ name: uniqueName('carts') });
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    const runner = harness.runner({ readStore: flakyStore, projections: [carts] });
    runner.start();

    expect(await runner.waitForPosition([carts.name], 2n, PATIENCE_MS)).toBe(true);
    expect(await harness.readStore.listParked(projectionCheckpointName(carts))).toEqual([]);
    expect(await harness.readStore.findById<Cart>(carts.collection.name, 'a')).toEqual({ _id: 'a', _position: 2, items: { MUG: 1 }, applied: 2 });
    const warnings = harness.logger.lines.filter((line) => line.level === 'warn' && line.message.includes('disk unavailable; resubscribing'));
    expect(warnings).toHaveLength(3);
  });

  it('resubscribes from its checkpoint when the subscription breaks', async () => {
    const store = harness.eventStore;
    const subscribedAfter: (bigint | undefined)[] = [];
    const breakingStore = Object.create(store) as typeof store;
    breakingStore.subscribeToAll = (options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> => {
      subscribedAfter.push(options?.after);
      const first = subscribedAfter.length === 1;
      return {
        async *[Symbol.asyncIterator]() {
          let delivered = 0;
          for await (const message of store.subscribeToAll(options)) {
            if (first && delivered === 2) throw new Error('connection lost');
            delivered += 1;
            yield message;
          }
        },
      };
    };
    const carts = cartProjection({ name: uniqueName('carts') });
    const runner = harness.runner({ eventStore: breakingStore, projections: [carts] });
    runner.start();
    for (let turn = 0; turn < 200 && !runner.progress(carts.name).caughtUp; turn += 1) await new Promise((done) => setTimeout(done, 5));
    // Live: the subscribers' shared read of the log breaks after two messages (the caught-up marker, event 1).
    for (let i = 0; i < 5; i += 1) await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });

    expect(await runner.waitForPosition([carts.name], 5n, PATIENCE_MS)).toBe(true);
    expect(subscribedAfter[0]).toBeUndefined();
    expect(subscribedAfter.length).toBeGreaterThanOrEqual(2);
    expect(harness.logger.lines).toContainEqual({ level: 'warn', message: expect.stringMatching(new RegExp(`^Subscriber ${carts.name}: connection lost; resubscribing from position 1 in`)) });
    expect(await harness.readStore.findById<Cart>(carts.collection.name, 'a')).toEqual({ _id: 'a', _position: 5, items: { MUG: 5 }, applied: 5 });
  });
});
