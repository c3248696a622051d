import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import type { ProjectionBatch } from '../readstore/read-store.port.js';
import { cartProjection, type Cart } from '../projection-engine/cart-projection.test-fixture.js';
import { CountingEventStore } from '../../test/support/counting-event-store.js';
import { Harness, metricValue, PATIENCE_MS, uniqueName } from '../../test/support/subscription-harness.js';
import type { EventHandler } from './subscriber.js';
import { StoreUnavailableError } from '../eventstore/event-store.errors.js';
import { projectionCheckpointName } from '../projection-engine/projection.js';

/** A handler that records its batches and can be held on its next call until released. */
function recordingHandler(name: string, filter?: EventHandler['filter']) {
  const batches: RecordedEvent[][] = [];
  let gate: Promise<void> | undefined;
  let release: () => void = () => {};
  let entered: () => void = () => {};
  let enteredGate = Promise.resolve();
  const handler: EventHandler = {
    name,
    filter,
    async handle(events) {
      batches.push([...events]);
      entered();
      if (gate) await gate;
    },
  };
  return {
    handler,
    batches,
    /** Holds the next handle() call; resolves the returned promise once that call has begun. */
    hold(): Promise<void> {
      gate = new Promise((resolve) => (release = () => { gate = undefined; resolve(); }));
      enteredGate = new Promise((resolve) => (entered = resolve));
      return enteredGate;
    },
    release: () => release(),
  };
}

describe('SubscriptionRunner', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await Harness.create();
  });

  afterEach(async () => {
    await harness.cleanup();
  });

  it('catches up on history, then follows live events', async () => {
    const projection = cartProjection({ name: uniqueName('carts') });
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 2 });
    await harness.append('CartOpened', { cartId: 'b' });
    await harness.append('CouponIssued', { cartId: 'b' });
    const runner = harness.runner({ projections: [projection] });
    runner.start();

    expect(await runner.waitForPosition([projection.name], await harness.head(), PATIENCE_MS)).toBe(true);
    expect(runner.progress(projection.name).checkpoint).toBe(4n);
    expect(await harness.readStore.findById<Cart>(projection.collection.name, 'a')).toEqual({ _id: 'a', _position: 2, items: { MUG: 2 }, applied: 2 });

    const live = await harness.append('ItemAdded', { cartId: 'b', sku: 'CUP', quantity: 1 });
    await harness.append('CartAbandoned', { cartId: 'a' });
    expect(await runner.waitForPosition([projection.name], await harness.head(), PATIENCE_MS)).toBe(true);
    expect(await harness.readStore.findById(projection.collection.name, 'a')).toBeNull();
    // The caught-up marker sits between history and the first live event, so it has been seen.
    expect(runner.progress(projection.name)).toEqual({ checkpoint: 6n, caughtUp: true });
    expect(await harness.readStore.findById<Cart>(projection.collection.name, 'b')).toEqual({
      _id: 'b',
      _position: Number(live),
      items: { CUP: 1 },
      applied: 2,
    });
    expect(await harness.readStore.getCheckpoint(projectionCheckpointName(projection))).toBe(6n);
    expect(await metricValue('orderstream_projection_events_total', projectionCheckpointName(projection))).toBe(6);
    expect(await metricValue('orderstream_subscription_checkpoint', projectionCheckpointName(projection))).toBe(6);
  });

  it('processes in batches of at most batchSize, each event exactly once and in order', async () => {
    for (let i = 0; i < 23; i += 1) await harness.append('ItemAdded', { cartId: `c${i % 4}`, sku: 'MUG', quantity: 1 });
    const recorder = recordingHandler(uniqueName('batches'));
    const runner = harness.runner({ handlers: [recorder.handler], options: { batchSize: 5 } });
    const firstCall = recorder.hold();
    runner.start();
    await firstCall;
    // While the first batch is held, the subscription fills the buffer (its reads are synchronous).
    await nextMacrotask();
    recorder.release();
    expect(await runner.waitForPosition([recorder.handler.name], 23n, PATIENCE_MS)).toBe(true);

    const sizes = recorder.batches.map((batch) => batch.length);
    expect(Math.max(...sizes)).toBe(5);
    expect(recorder.batches.flat().map((event) => event.position)).toEqual(Array.from({ length: 23 }, (_, i) => BigInt(i + 1)));
    expect(await harness.readStore.getCheckpoint(recorder.handler.name)).toBe(23n);
  });

  describe('with overlapping batches (a handler waiting on its effects, such as the saga)', () => {
    /** A handler whose calls each wait until the test releases them, in any order. */
    function heldHandler(name: string, overlappingBatches: number) {
      const calls: { positions: bigint[]; release(failure?: Error): void }[] = [];
      let called: () => void = () => {};
      const handler: EventHandler = {
        name,
        overlappingBatches,
        handle(events) {
          return new Promise<void>((resolve, reject) => {
            calls.push({ positions: events.map((event) => event.position), release: (failure) => (failure ? reject(failure) : resolve()) });
            called();
          });
        },
      };
      const callsReach = async (count: number) => {
        while (calls.length < count) await new Promise<void>((resolve) => (called = resolve));
      };
      return { handler, calls, callsReach };
    }

    it('begins the next batch before the one in flight is done, and moves the checkpoint only past batches done in order', async () => {
      for (let i = 0; i < 6; i += 1) await harness.append('ItemAdded', { cartId: `c${i}`, sku: 'MUG', quantity: 1 });
      const held = heldHandler(uniqueName('overlapping'), 3);
      const runner = harness.runner({ handlers: [held.handler], options: { batchSize: 2 } });
      runner.start();
      // Three batches are handed over while none has finished.
      await held.callsReach(3);
      expect(held.calls.map((call) => call.positions)).toEqual([[1n, 2n], [3n, 4n], [5n, 6n]]);
      // The third and the second finish first: the checkpoint waits for the first.
      held.calls[2]!.release();
      held.calls[1]!.release();
      await nextMacrotask();
      expect(runner.progress(held.handler.name).checkpoint).toBeUndefined();
      held.calls[0]!.release();
      expect(await runner.waitForPosition([held.handler.name], 6n, PATIENCE_MS)).toBe(true);
      expect(await harness.readStore.getCheckpoint(held.handler.name)).toBe(6n);
    });

    it('a batch that fails is tried again in its turn; the one after it commits only after it', async () => {
      for (let i = 0; i < 4; i += 1) await harness.append('ItemAdded', { cartId: `c${i}`, sku: 'MUG', quantity: 1 });
      const held = heldHandler(uniqueName('overlapping-failure'), 2);
      const runner = harness.runner({ handlers: [held.handler], options: { batchSize: 2 } });
      runner.start();
      await held.callsReach(2);
      held.calls[1]!.release();
      held.calls[0]!.release(new Error('the first batch failed'));
      await held.callsReach(3);
      expect(held.calls[2]!.positions).toEqual([1n, 2n]);
      expect(runner.progress(held.handler.name).checkpoint).toBeUndefined();
      held.calls[2]!.release();
      expect(await runner.waitForPosition([held.handler.name], 4n, PATIENCE_MS)).toBe(true);
      expect(held.calls).toHaveLength(3);
      expect(await harness.readStore.getCheckpoint(held.handler.name)).toBe(4n);
    });

    it('after an outage in one batch no later batch commits: the subscription starts again from the checkpoint', async () => {
      for (let i = 0; i < 4; i += 1) await harness.append('ItemAdded', { cartId: `c${i}`, sku: 'MUG', quantity: 1 });
      const held = heldHandler(uniqueName('overlapping-outage'), 2);
      const runner = harness.runner({ handlers: [held.handler], options: { batchSize: 2, resubscribeBackOff: { initialDelayMs: 1, maxDelayMs: 1 } } });
      runner.start();
      await held.callsReach(2);
      held.calls[1]!.release();
      held.calls[0]!.release(new StoreUnavailableError('the store went away'));
      // Both batches come again, from the checkpoint (nothing was committed).
      await held.callsReach(3);
      expect(held.calls[2]!.positions).toEqual([1n, 2n]);
      expect(runner.progress(held.handler.name).checkpoint).toBeUndefined();
      held.calls[2]!.release();
      await held.callsReach(4);
      expect(held.calls[3]!.positions).toEqual([3n, 4n]);
      held.calls[3]!.release();
      expect(await runner.waitForPosition([held.handler.name], 4n, PATIENCE_MS)).toBe(true);
      expect(await harness.readStore.getCheckpoint(held.handler.name)).toBe(4n);
    });
  });

  it('takes history in full batches: a page read from the store is not split into small batches', async () => {
    for (let i = 0; i < 120; i += 1) await harness.append('ItemAdded', { cartId: `c${i % 4}`, sku: 'MUG', quantity: 1 });
    const recorder = recordingHandler(uniqueName('full-batches'));
    const runner = harness.runner({ handlers: [recorder.handler], options: { batchSize: 50 } });
    runner.start();
    expect(await runner.waitForPosition([recorder.handler.name], 120n, PATIENCE_MS)).toBe(true);
    expect(recorder.batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
  });

  it('reads each live event from the store once for all its subscribers (one shared tail)', async () => {
    const counting = new CountingEventStore(harness.eventStore);
    const recorders = Array.from({ length: 6 }, (_, i) => recordingHandler(uniqueName(`tail-${i}`), i % 2 === 0 ? undefined : { eventTypes: ['ItemAdded'] }));
    const runner = harness.runner({ eventStore: counting, handlers: recorders.map((recorder) => recorder.handler) });
    runner.start();
    for (let turn = 0; turn < 200 && !(await runner.status()).every((status) => status.caughtUp); turn += 1) await new Promise((done) => setTimeout(done, 5));
    for (let i = 0; i < 30; i += 1) await harness.append(i % 3 === 0 ? 'CartOpened' : 'ItemAdded', { cartId: `c${i}`, sku: 'MUG', quantity: 1 });
    expect(await runner.waitForPosition(recorders.map((recorder) => recorder.handler.name), 30n, PATIENCE_MS)).toBe(true);
    expect(recorders.map((recorder) => recorder.batches.flat().length)).toEqual([30, 20, 30, 20, 30, 20]);
    // Six subscribers, one subscription of the store, each event read from it once.
    expect(counting.subscriptions).toBe(1);
    expect(counting.subscribedEvents).toBe(30);
  });

  it('stops pulling from the store while the buffer is full (backpressure)', async () => {
    for (let i = 0; i < 40; i += 1) await harness.append('CartOpened', { cartId: `c${i}` });
    let pulled = 0;
    const store = harness.eventStore;
    const countingStore = Object.create(store) as typeof store;
    // Behind the live end, a subscriber reads pages of $all on its own (here pages of 2 events).
    countingStore.readAll = async (options) => {
      const page = await store.readAll(options);
      pulled += page.length;
      return page;
    };
    const recorder = recordingHandler(uniqueName('slow'));
    const runner = harness.runner({ eventStore: countingStore, handlers: [recorder.handler], options: { batchSize: 1, bufferSize: 3 }, sharedTail: { catchUpPageEvents: 2 } });
    const firstCall = recorder.hold();
    runner.start();
    await firstCall;
    for (let turn = 0; turn < 5; turn += 1) await nextMacrotask();
    // One batch taken, a full buffer, one message waiting to get in, and the rest of its page: nothing more is read.
    expect(pulled).toBeLessThanOrEqual(1 + 3 + 1 + 2);
    recorder.release();
    expect(await runner.waitForPosition([recorder.handler.name], 40n, PATIENCE_MS)).toBe(true);
    expect(recorder.batches.flat()).toHaveLength(40);
  });

  it('resumes from its checkpoint after a restart, applying nothing twice', async () => {
    const name = uniqueName('carts');
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    await harness.append('CartOpened', { cartId: 'b' });
    const first = harness.runner({ projections: [cartProjection({ name })] });
    first.start();
    expect(await first.waitForPosition([name], 3n, PATIENCE_MS)).toBe(true);
    const collection = cartProjection({ name }).collection.name;
    const before = await harness.readStore.find<Cart>(collection, {}, { sort: { _id: 1 } });
    await harness.closeStores();

    harness.openStores();
    const seenAfterRestart: bigint[] = [];
    const projection = cartProjection({ name, throwOn: (event) => (seenAfterRestart.push(event.position), false) });
    const second = harness.runner({ projections: [projection] });
    second.start();
    expect(await second.waitForPosition([name], 3n, PATIENCE_MS)).toBe(true);
    expect(await harness.readStore.find<Cart>(collection, {}, { sort: { _id: 1 } })).toEqual(before);

    await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
    expect(await second.waitForPosition([name], 4n, PATIENCE_MS)).toBe(true);
    expect(seenAfterRestart).toEqual([4n]);
    expect(await harness.readStore.findById<Cart>(collection, 'a')).toEqual({ _id: 'a', _position: 4, items: { MUG: 2 }, applied: 3 });
  });

  describe('waitForPosition', () => {
    it('answers true once every named subscriber has reached the position', async () => {
      const carts = cartProjection({ name: uniqueName('carts') });
      const recorder = recordingHandler(uniqueName('handler'));
      const runner = harness.runner({ projections: [carts], handlers: [recorder.handler] });
      runner.start();
      const waiting = runner.waitForPosition([carts.name, recorder.handler.name], 2n, PATIENCE_MS);
      await harness.append('CartOpened', { cartId: 'a' });
      await harness.append('CartOpened', { cartId: 'b' });
      expect(await waiting).toBe(true);
      expect(runner.progress(carts.name).checkpoint).toBeGreaterThanOrEqual(2n);
      expect(runner.progress(recorder.handler.name).checkpoint).toBeGreaterThanOrEqual(2n);
    });

    it('answers false when the position is not reached in time', async () => {
      const carts = cartProjection({ name: uniqueName('carts') });
      await harness.append('CartOpened', { cartId: 'a' });
      const runner = harness.runner({ projections: [carts] });
      runner.start();
      expect(await runner.waitForPosition([carts.name], 1n, PATIENCE_MS)).toBe(true);
      expect(await runner.waitForPosition([carts.name], 2n, 20)).toBe(false);
      expect(await runner.waitForPosition([carts.name], 2n, 0)).toBe(false);
    });

    it('answers pending waits with false when the runner stops, and refuses unknown names', async () => {
      const carts = cartProjection({ name: uniqueName('carts') });
      const runner = harness.runner({ projections: [carts] });
      runner.start();
      const waiting = runner.waitForPosition([carts.name], 99n, PATIENCE_MS);
      await runner.stop();
      expect(await waiting).toBe(false);
      await expect(runner.waitForPosition(['nobody'], 1n, 10)).rejects.toThrow('No subscriber is named nobody');
    });
  });

  describe('generic handlers', () => {
    it('get only the events their filter selects, and their checkpoint still reaches the head', async () => {
      const recorder = recordingHandler(uniqueName('items'), { eventTypes: ['ItemAdded'] });
      await harness.append('CartOpened', { cartId: 'a' });
      await harness.append('ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 });
      await harness.append('CouponIssued', { cartId: 'a' });
      const runner = harness.runner({ handlers: [recorder.handler] });
      runner.start();
      expect(await runner.waitForPosition([recorder.handler.name], 3n, PATIENCE_MS)).toBe(true);
      expect(recorder.batches.flat().map((event) => [event.position, event.type])).toEqual([[2n, 'ItemAdded']]);
      expect(await harness.readStore.getCheckpoint(recorder.handler.name)).toBe(3n);
    });
  });

  it('lets the batch in flight finish and commit when stopped', async () => {
    const recorder = recordingHandler(uniqueName('slow'));
    const runner = harness.runner({ handlers: [recorder.handler] });
    runner.start();
    const firstCall = recorder.hold();
    await harness.append('CartOpened', { cartId: 'a' });
    await firstCall;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await nextMacrotask();
    expect(stopped).toBe(false);
    recorder.release();
    await stopping;
    expect(await harness.readStore.getCheckpoint(recorder.handler.name)).toBe(1n);
  });

  it('reports status: checkpoint, caught-up flag, lag and parked count', async () => {
    const carts = cartProjection({ name: uniqueName('carts') });
    await harness.append('CartOpened', { cartId: 'a' });
    await harness.append('CartOpened', { cartId: 'b' });
    const runner = harness.runner({ projections: [carts] });
    expect(await runner.status()).toEqual([
      { name: carts.name, kind: 'projection', checkpointName: `${carts.name}@v1`, checkpoint: null, caughtUp: false, lag: 2, parked: 0, lastError: null, runsHere: false },
    ]);
    runner.start();
    expect(await runner.waitForPosition([carts.name], 2n, PATIENCE_MS)).toBe(true);
    const [status] = await runner.status();
    expect(status).toMatchObject({ checkpoint: '2', lag: 0, parked: 0 });
    // The caught-up marker follows the last event of history; it is processed right after it.
    await harness.append('CartOpened', { cartId: 'c' });
    expect(await runner.waitForPosition([carts.name], 3n, PATIENCE_MS)).toBe(true);
    expect((await runner.status())[0]).toMatchObject({ checkpoint: '3', caughtUp: true, lag: 0 });
  });

  it('commits projection writes and the checkpoint together', async () => {
    const commits: ProjectionBatch[] = [];
    const store = harness.readStore;
    const spyingStore = Object.create(store) as typeof store;
    spyingStore.commit = (batch) => (commits.push(batch), store.commit(batch));
    const carts = cartProjection({ name: uniqueName('carts') });
    await harness.append('CartOpened', { cartId: 'a' });
    const runner = harness.runner({ readStore: spyingStore, projections: [carts] });
    runner.start();
    expect(await runner.waitForPosition([carts.name], 1n, PATIENCE_MS)).toBe(true);
    expect(commits[0]).toEqual({
      subscriber: projectionCheckpointName(carts),
      checkpoint: 1n,
      writes: [{ op: 'upsert', collection: carts.collection.name, doc: { _id: 'a', _position: 1, items: {}, applied: 1 } }],
    });
  });
});
