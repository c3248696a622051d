// Loading a stream through a snapshot decides exactly as folding the whole stream does, and a
// snapshot is never trusted over the log: another decider version's, an unreadable one, or one
// the log no longer agrees with (its chain hash) is ignored and the log folded instead.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fold } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { inventoryDecider, productStreamId, type InventoryCommand, type ProductState } from '../inventory/inventory.decider.js';
import { CommandFilter } from '../snapshots/command-filter.js';
import type { SnapshotStore, StoredSnapshot } from '../snapshots/snapshot-store.port.js';
import { snapshotVersionOf } from '../snapshots/snapshot-version.js';
import { SqliteSnapshotStore } from '../snapshots/sqlite/sqlite-snapshot-store.js';
import { StreamSnapshots } from '../snapshots/stream-snapshots.js';
import type { CommandMetadata } from './command-metadata.js';
import { CommandProcessor } from './command-processor.js';
import { eventOf } from './load-state.js';
import { StreamLoader } from './stream-loader.js';

const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const metadata = (commandId: string): CommandMetadata => ({
  commandId, correlationId: randomUUID(), causationId: randomUUID(), actor: { userId: 'staff-1', roles: ['staff'] },
});
const ORDERS = ['0b0e7a4e-1c1f-4f43-9a7e-000000000001', '0b0e7a4e-1c1f-4f43-9a7e-000000000002', '0b0e7a4e-1c1f-4f43-9a7e-000000000003'];

/** An inventory command for whichever product it is applied to. */
type ProductCommand = (productId: string) => InventoryCommand;
const productCommand: fc.Arbitrary<ProductCommand> = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map((quantity): ProductCommand => (productId) => ({ type: 'ReceiveStock', productId, quantity, reference: 'PO' })),
  fc.integer({ min: -20, max: 20 }).filter((q) => q !== 0).map((quantityChange): ProductCommand => (productId) => ({ type: 'AdjustStock', productId, quantityChange, reason: 'count' })),
  fc.tuple(fc.constantFrom(...ORDERS), fc.integer({ min: 1, max: 30 })).map(([orderId, quantity]): ProductCommand => (productId) => ({ type: 'ReserveStock', productId, orderId, quantity })),
  fc.constantFrom(...ORDERS).map((orderId): ProductCommand => (productId) => ({ type: 'ReleaseStock', productId, orderId })),
  fc.constantFrom(...ORDERS).map((orderId): ProductCommand => (productId) => ({ type: 'CommitReservation', productId, orderId })),
  fc.integer({ min: 1, max: 9_999 }).map((amount): ProductCommand => (productId) => ({ type: 'ChangePrice', productId, price: { amount, currency: 'EUR' } })),
);

/** What deciding gives: the events, or the refusal's code. */
function decision(command: InventoryCommand, state: ProductState): unknown {
  try {
    return { events: inventoryDecider.decide(command, state) };
  } catch (error) {
    if (error instanceof DomainError) return { refused: error.code };
    throw error;
  }
}

/** The snapshot store, with a way to wait for the writes the loader started in the background. */
class WatchedSnapshots implements SnapshotStore {
  private writes: Promise<void>[] = [];
  constructor(readonly inner: SnapshotStore) {}
  load(streamId: string) {
    return this.inner.load(streamId);
  }
  save(snapshot: StoredSnapshot) {
    const write = this.inner.save(snapshot);
    this.writes.push(write);
    return write;
  }
  async written(): Promise<void> {
    await Promise.all(this.writes);
  }
  close() {
    return this.inner.close();
  }
}

let dir: string;
let store: SqliteEventStore;
let snapshotStore: WatchedSnapshots;
const warnings: string[] = [];
let writer: CommandProcessor;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-snapshots-'));
  store = new SqliteEventStore(join(dir, 'events.db'));
  snapshotStore = new WatchedSnapshots(new SqliteSnapshotStore(join(dir, 'snapshots.db')));
  writer = new CommandProcessor(store, clock);
});
afterAll(async () => {
  await store.close();
  await snapshotStore.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A product with `history` applied (refused commands record nothing); the ids of the commands sent. */
async function productWith(history: readonly ProductCommand[]): Promise<{ streamId: string; commandIds: string[] }> {
  const productId = randomUUID();
  const streamId = productStreamId(productId);
  const commandIds = [randomUUID()];
  await writer.handle(inventoryDecider, {
    streamId, metadata: metadata(commandIds[0]!),
    command: { type: 'RegisterProduct', productId, sku: `SNAP-${productId.slice(0, 8).toUpperCase()}`, name: 'Snapshotted', price: { amount: 100, currency: 'EUR' } },
  });
  for (const command of history) {
    const commandId = randomUUID();
    commandIds.push(commandId);
    try {
      await writer.handle(inventoryDecider, { streamId, metadata: metadata(commandId), command: command(productId) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { streamId, commandIds };
}

/** Writes the snapshot of the stream's first `revision + 1` events, as the loader would have. */
async function snapshotAt(streamId: string, revision: number): Promise<void> {
  const events = await store.readStream(streamId, { maxCount: revision + 1 });
  const last = events.at(-1)!;
  const snapshots = new StreamSnapshots(snapshotStore, (message) => warnings.push(message));
  await snapshots.save(inventoryDecider, streamId, {
    revision: last.revision, position: last.position, hash: last.metadata.hash,
    state: fold(inventoryDecider, events.map((event) => eventOf(inventoryDecider, event))),
    commands: CommandFilter.empty().with(events.map((event) => event.metadata.commandId)),
  });
}

const withSnapshots = () => new StreamLoader(store, new StreamSnapshots(snapshotStore, (message) => warnings.push(message)));
const fromTheLog = () => new StreamLoader(store, undefined);

describe('a stream loaded through a snapshot', () => {
  it('decides exactly as the whole stream folded, for random histories and snapshot points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(productCommand, { minLength: 1, maxLength: 30 }), fc.nat(), productCommand, fc.option(fc.nat(), { nil: undefined }),
        async (history, point, next, sentAgain) => {
          const { streamId, commandIds } = await productWith(history);
          const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
          const revision = point % (last!.revision + 1);
          await snapshotAt(streamId, revision);

          const restored = await withSnapshots().load(inventoryDecider, streamId);
          const whole = await fromTheLog().load(inventoryDecider, streamId);
          expect(restored.snapshotRevision).toBe(revision); // the snapshot was used
          expect(restored.state).toEqual(whole.state);
          expect([restored.revision, restored.position]).toEqual([whole.revision, whole.position]);
          const productId = streamId.slice('product-'.length);
          expect(decision(next(productId), restored.state)).toEqual(decision(next(productId), whole.state));
          // A command sent again (one of the history's, recorded before or after the snapshot, or a new one) is answered alike.
          const commandId = sentAgain === undefined ? randomUUID() : commandIds[sentAgain % commandIds.length]!;
          expect(await withSnapshots().recorded(restored, streamId, commandId)).toEqual(await fromTheLog().recorded(whole, streamId, commandId));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('folds a stream longer than one page read, from the start and from a snapshot', async () => {
    const { streamId, commandIds } = await productWith([]);
    const productId = streamId.slice('product-'.length);
    for (let from = 1; from < 2_501; from += 100) {
      const commandId = randomUUID();
      commandIds.push(commandId);
      const events = Array.from({ length: 100 }, (_, k) => ({
        eventId: randomUUID(), type: 'StockReceived', schemaVersion: 2, data: { productId, quantity: 1 + (k % 3), deliveryReference: `PO-${from + k}` },
        metadata: { ...metadata(commandId), commandType: 'ReceiveStock', occurredAt: '2026-12-03T12:00:00.000Z' },
      }));
      await store.append(streamId, events, from - 1);
    }
    const whole = fold(inventoryDecider, (await store.readStream(streamId)).map((event) => eventOf(inventoryDecider, event)));
    const folded = await fromTheLog().load(inventoryDecider, streamId);
    expect(folded.revision).toBe(2_500);
    expect(folded.state).toEqual(whole);
    await snapshotAt(streamId, 1_234);
    // The same decider, snapshotting too rarely to write another one here: the restored one shows.
    const restored = await withSnapshots().load({ ...inventoryDecider, snapshots: { every: 100_000 } }, streamId);
    expect(restored.snapshotRevision).toBe(1_234);
    expect(restored.state).toEqual(whole);
    // A command recorded long before the snapshot is found in the log, across pages.
    expect(await withSnapshots().recorded(restored, streamId, commandIds[3]!)).toEqual(await fromTheLog().recorded(folded, streamId, commandIds[3]!));
    expect(await withSnapshots().recorded(restored, streamId, commandIds[3]!)).toMatchObject({ revision: 300 });
  });

  it('ignores the snapshot of another decider version and writes one of its own', async () => {
    const every = 5;
    const decider = { ...inventoryDecider, snapshots: { every } };
    const { streamId } = await productWith(Array.from({ length: 12 }, (): ProductCommand => (productId) => ({ type: 'ReceiveStock', productId, quantity: 2, reference: 'PO' })));
    const [third] = await store.readStream(streamId, { fromRevision: 3, maxCount: 1 });
    const bogus = { status: 'registered', productId: 'x', sku: 'OLD', name: 'Old shape', price: { amount: 1, currency: 'EUR' }, onHand: 999_999, reserved: 0, reservations: {} };
    await snapshotStore.save({
      streamId, version: 'old-version', revision: 3, position: third!.position, hash: third!.metadata.hash,
      state: JSON.stringify(bogus), commands: JSON.stringify(CommandFilter.empty().toJson()),
    });

    const loaded = await withSnapshots().load(decider, streamId);
    expect(loaded.state).toEqual((await fromTheLog().load(decider, streamId)).state);
    expect(loaded.state).toMatchObject({ onHand: 24 });
    await snapshotStore.written();
    const rebuilt = await snapshotStore.load(streamId);
    expect(rebuilt).toMatchObject({ version: snapshotVersionOf(decider), revision: loaded.revision });
    expect(JSON.parse(rebuilt!.state)).toEqual(loaded.state);
  });

  it('falls back to the log when a snapshot is unreadable', async () => {
    const { streamId } = await productWith([(productId) => ({ type: 'ReceiveStock', productId, quantity: 7, reference: 'PO' })]);
    const [first] = await store.readStream(streamId, { maxCount: 1 });
    const good = { streamId, version: snapshotVersionOf(inventoryDecider), revision: 0, position: first!.position, hash: first!.metadata.hash };
    const damaged: Partial<StoredSnapshot>[] = [
      { state: '{"status":"regis', commands: JSON.stringify(CommandFilter.empty().toJson()) },
      { state: '{}', commands: '{"parts":[{"capacity":1024,"count":1,"bits":"AAAA"}]}' },
      { state: '{}', commands: 'null' },
    ];
    for (const broken of damaged) {
      warnings.length = 0;
      await snapshotStore.save({ ...good, revision: good.revision + damaged.indexOf(broken), state: '', commands: '', ...broken });
      // Same revision each time would be kept out by "later revision wins": the stored one is replaced by the next broken one.
      const loaded = await withSnapshots().load(inventoryDecider, streamId);
      expect(loaded.state).toMatchObject({ status: 'registered', onHand: 7 });
      expect(loaded.snapshotRevision).toBe(-1);
      expect(warnings.join('\n')).toMatch(/unreadable|not read/);
    }
  });

  it('ignores a snapshot of a history the log does not hold (another chain hash at its revision)', async () => {
    const { streamId } = await productWith([(productId) => ({ type: 'ReceiveStock', productId, quantity: 3, reference: 'PO' })]);
    const [atOne] = await store.readStream(streamId, { fromRevision: 1, maxCount: 1 });
    await snapshotStore.save({
      streamId, version: snapshotVersionOf(inventoryDecider), revision: 1, position: atOne!.position, hash: 'f'.repeat(64),
      state: JSON.stringify({ status: 'registered', productId: 'x', sku: 'X', name: 'Lost', price: { amount: 1, currency: 'EUR' }, onHand: 500, reserved: 0, reservations: {} }),
      commands: JSON.stringify(CommandFilter.empty().toJson()),
    });
    const loaded = await withSnapshots().load(inventoryDecider, streamId);
    expect(loaded.state).toMatchObject({ onHand: 3 });
    expect(loaded.snapshotRevision).toBe(-1);
  });

  it('starts with an empty snapshot file when the file is damaged', async () => {
    const path = join(dir, 'damaged-snapshots.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const moved: string[] = [];
    const reopened = new SqliteSnapshotStore(path, (message) => moved.push(message));
    try {
      expect(await reopened.load('product-any')).toBeUndefined();
      expect(moved.join('\n')).toMatch(/damaged/);
    } finally {
      await reopened.close();
    }
  });
});
