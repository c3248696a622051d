// Blue/green rebuilds over real stores: the serving build answers until the new one has caught
// up, then the new one takes over; the result equals a fold of the whole log from scratch.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { EventStore, SubscribeOptions, SubscriptionMessage } from '../eventstore/event-store.port.js';
import { documentsOf, readWholeLog, rebuildReadModels } from '../../test/support/log-verification.js';
import { cartProjection, type Cart } from './cart-projection.test-fixture.js';
import type { DocumentProjection } from './projection.js';
import { Harness, PATIENCE_MS, uniqueName, type RunnerUnderTest } from '../../test/support/subscription-harness.js';

jest.setTimeout(60_000);

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.create();
});
afterEach(async () => {
  await harness.cleanup();
});

/** Resolves once `check` holds, re-checking on every macrotask; fails after PATIENCE_MS. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function switched(runner: RunnerUnderTest, name: string, build: number, version = 1): Promise<void> {
  await eventually(async () => {
    const status = (await runner.projectionStatus()).find((s) => s.name === name)!;
    return status.building === null && status.serving.build === build && status.serving.version === version;
  }, `${name} serving v${version} #${build}`);
}

/** The documents the serving build holds, under the collection name a fresh fold uses. */
async function served(runner: RunnerUnderTest, projection: DocumentProjection<Cart>) {
  const active = runner.registry.collectionOf(projection);
  return { [projection.collection.name]: (await documentsOf(harness.readStore, [{ ...projection, collection: { name: active } }]))[active] };
}

async function appendCarts(from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const cartId = `c${i % 37}`;
    await harness.append(i % 37 === i ? 'CartOpened' : 'ItemAdded', { cartId, sku: `SKU-${i % 5}`, quantity: 1 + (i % 3) });
  }
}

describe('blue/green rebuilds', () => {
  it('rebuilds while commands keep arriving, serves the old build until the new one caught up, and ends equal to a fold from scratch', async () => {
    const carts = cartProjection({ name: uniqueName('carts') });
    await appendCarts(0, 400);
    const runner = harness.runner({ projections: [carts], options: { batchSize: 25 } });
    runner.start();
    expect(await runner.waitForPosition([carts.name], await harness.head(), PATIENCE_MS)).toBe(true);

    let writing = true;
    let written = 400;
    const writer = (async () => {
      while (writing) {
        await appendCarts(written, 5);
        written += 5;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const started = await runner.rebuild(carts.name);
    expect(started.building).toMatchObject({ version: 1, build: 1, collection: `${carts.collection.name}_b1` });
    // Until the switch, queries read the old build.
    expect(runner.registry.collectionOf(carts)).toBe(carts.collection.name);
    await switched(runner, carts.name, 1);
    await eventually(() => written >= 600, 'more events written after the switch');
    writing = false;
    await writer;

    expect(runner.registry.collectionOf(carts)).toBe(`${carts.collection.name}_b1`);
    expect(await runner.waitForPosition([carts.name], await harness.head(), PATIENCE_MS)).toBe(true);
    const expected = await rebuildReadModels(await readWholeLog(harness.eventStore), [carts]);
    expect(await served(runner, carts)).toEqual(expected);
    // The old build is gone: its collection and checkpoint.
    expect(await harness.readStore.find(carts.collection.name, {})).toEqual([]);
    expect(await harness.readStore.getCheckpoint(`${carts.name}@v1`)).toBeUndefined();

    // A restart serves the new build, and a second rebuild takes the next number.
    await harness.closeStores();
    harness.openStores();
    const restarted = harness.runner({ projections: [carts] });
    restarted.start();
    await restarted.started;
    expect(restarted.registry.collectionOf(carts)).toBe(`${carts.collection.name}_b1`);
    expect((await restarted.rebuild(carts.name)).building).toMatchObject({ build: 2 });
    await switched(restarted, carts.name, 2);
    expect(await served(restarted, carts)).toEqual(expected);
  });

  it('starts a build when the version is bumped; the old version serves, frozen, until the new one takes over', async () => {
    const v1 = cartProjection({ name: uniqueName('carts') });
    await appendCarts(0, 100);
    const first = harness.runner({ projections: [v1] });
    first.start();
    expect(await first.waitForPosition([v1.name], await harness.head(), PATIENCE_MS)).toBe(true);
    await harness.closeStores();
    harness.openStores();

    // The new build's subscription is held until released, to look at the service meanwhile.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = harness.eventStore;
    const gated: EventStore = Object.create(store) as EventStore;
    gated.subscribeToAll = (options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> => ({
      async *[Symbol.asyncIterator]() {
        await gate;
        yield* store.subscribeToAll(options);
      },
    });
    const v2: DocumentProjection<Cart> = { ...v1, version: 2, collection: { ...v1.collection, name: v1.collection.name.replace(/_v1$/, '_v2') } };
    const second = harness.runner({ eventStore: gated, projections: [v2] });
    second.start();
    await second.started;
    const [status] = await second.projectionStatus();
    expect(status).toMatchObject({ declaredVersion: 2, serving: { version: 1, running: false }, building: { version: 2, build: 1, collection: `${v2.collection.name}_b1` } });
    expect(second.registry.collectionOf(v2)).toBe(v1.collection.name);
    // Queries name the declared (v2) collection; reads resolve it to the serving build.
    expect(second.registry.resolve(v2.collection.name)).toBe(v1.collection.name);
    expect(await second.waitForPosition([v2.name], await harness.head(), 50)).toBe(true);
    await appendCarts(100, 10);
    // The frozen v1 cannot reach a newer position: a read-your-writes wait says so.
    expect(await second.waitForPosition([v2.name], await harness.head(), 50)).toBe(false);

    release();
    await switched(second, v2.name, 1, 2);
    expect(second.registry.resolve(v2.collection.name)).toBe(`${v2.collection.name}_b1`);
    expect(await second.waitForPosition([v2.name], await harness.head(), PATIENCE_MS)).toBe(true);
    expect(await served(second, v2)).toEqual(await rebuildReadModels(await readWholeLog(harness.eventStore), [v2]));
    expect(await harness.readStore.find(v1.collection.name, {})).toEqual([]);
  });
});
