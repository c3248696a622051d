// The command path against the real embedded event store: racing writers, retries, repeats.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fold } from '../decider/decider.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { findChainBreak } from '../eventstore/hash-chain.js';
import { inventoryDecider, productStreamId, type InventoryCommand } from '../inventory/inventory.decider.js';
import { eventOf } from './load-state.js';
import { ConcurrencyConflictError, PreconditionFailedError } from './command-errors.js';
import type { CommandMetadata } from './command-metadata.js';
import { CommandProcessor } from './command-processor.js';
import { eventIdFor } from './event-id.js';

const productId = randomUUID();
const streamId = productStreamId(productId);
const clock = { now: () => new Date('2026-11-23T12:00:00Z') };
const metadata = (commandId = randomUUID()): CommandMetadata => ({
  commandId, correlationId: randomUUID(), causationId: randomUUID(), requestId: randomUUID(), actor: { userId: 'staff-1', roles: ['staff'] },
});
const receive = (quantity: number): InventoryCommand => ({ type: 'ReceiveStock', productId, quantity, reference: 'PO' });

let dir: string;
let store: SqliteEventStore;
let processor: CommandProcessor;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-commands-'));
  store = new SqliteEventStore(join(dir, 'events.db'));
  processor = new CommandProcessor(store, clock);
  await processor.handle(inventoryDecider, {
    streamId, metadata: metadata(),
    command: { type: 'RegisterProduct', productId, sku: 'RACE-1', name: 'Race', price: { amount: 100, currency: 'EUR' } },
  });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CommandProcessor', () => {
  it('records the envelope: deterministic event ids, command metadata and the chain', async () => {
    const meta = metadata();
    const result = await processor.handle(inventoryDecider, { streamId, command: receive(3), metadata: meta });
    const [event] = await store.readStream(streamId, { fromRevision: result.revision });
    expect(event).toMatchObject({
      eventId: eventIdFor(meta.commandId, 0), type: 'StockReceived', position: result.position,
      metadata: { commandId: meta.commandId, commandType: 'ReceiveStock', correlationId: meta.correlationId, causationId: meta.causationId, requestId: meta.requestId, actor: meta.actor, occurredAt: '2026-11-23T12:00:00.000Z' },
    });
    expect(findChainBreak(await store.readStream(streamId))).toBeUndefined();
  });

  it('answers a repeated command as the first time and records it once', async () => {
    const meta = metadata();
    const first = await processor.handle(inventoryDecider, { streamId, command: receive(5), metadata: meta });
    const [again, racing] = await Promise.all([
      processor.handle(inventoryDecider, { streamId, command: receive(5), metadata: meta }),
      processor.handle(inventoryDecider, { streamId, command: receive(5), metadata: meta }),
    ]);
    expect(again).toEqual(first);
    expect(racing).toEqual(first);
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  it('re-decides after losing a race, so concurrent writers lose no update', async () => {
    const quantities = Array.from({ length: 24 }, (_, i) => i + 1);
    const outcomes = await Promise.allSettled(
      quantities.map((q) => processor.handle(inventoryDecider, { streamId, command: receive(q), metadata: metadata() })),
    );
    const accepted = quantities.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    // Losers beyond the bounded retries get a conflict (HTTP 409); nothing else may fail.
    for (const reason of refused) expect(reason).toBeInstanceOf(ConcurrencyConflictError);
    expect(accepted.length).toBeGreaterThan(0);

    const history = await store.readStream(streamId);
    const state = fold(inventoryDecider, history.map((event) => eventOf(inventoryDecider, event)));
    expect(state.status === 'registered' && state.onHand).toBe(accepted.reduce((a, b) => a + b, 0));
    expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i));
  });

  it('refuses a stale If-Match revision with nothing written', async () => {
    await processor.handle(inventoryDecider, { streamId, command: receive(1), metadata: metadata() });
    await expect(processor.handle(inventoryDecider, { streamId, command: receive(1), metadata: metadata(), ifMatchRevision: 0 })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.readStream(streamId)).toHaveLength(2);
  });
});

describe('CommandProcessor.handleTogether (commands waiting for one stream at once)', () => {
  const reserve = (orderId: string, quantity: number): InventoryCommand => ({ type: 'ReserveStock', productId, orderId, quantity });

  it('decides each against what the ones before it leave, appends them in one append, and answers each by itself', async () => {
    await processor.handle(inventoryDecider, { streamId, command: receive(5), metadata: metadata() });
    const recordedBefore = metadata();
    await processor.handle(inventoryDecider, { streamId, command: reserve('order-0', 1), metadata: recordedBefore });
    const appends = jest.spyOn(store, 'append');
    const requests = [
      { command: reserve('order-0', 1), metadata: recordedBefore }, // sent again: answered from the log
      { command: reserve('order-1', 2), metadata: metadata() },
      { command: reserve('order-2', 2), metadata: metadata() },
      { command: reserve('order-3', 2), metadata: metadata() }, // 4 were left, the two before take them
      { command: { type: 'CommitReservation', productId, orderId: 'order-9' } as InventoryCommand, metadata: metadata() }, // refused
    ];
    const outcomes = await processor.handleTogether(inventoryDecider, streamId, requests);
    expect(appends).toHaveBeenCalledTimes(1);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true, false]);
    expect(outcomes[4]).toMatchObject({ ok: false, error: { code: 'reservation_not_held' } });
    const events = await store.readStream(streamId);
    expect(events.slice(-3).map((event) => [event.type, (event.data as { orderId: string }).orderId, event.metadata.commandId])).toEqual([
      ['StockReserved', 'order-1', requests[1]!.metadata.commandId],
      ['StockReserved', 'order-2', requests[2]!.metadata.commandId],
      ['StockReservationRejected', 'order-3', requests[3]!.metadata.commandId],
    ]);
    const revisions = outcomes.slice(1, 4).map((outcome) => (outcome.ok ? outcome.result.revision : undefined));
    expect(revisions).toEqual(events.slice(-3).map((event) => event.revision));
    expect(findChainBreak(events)).toBeUndefined();
    // Sent again, together or alone, they record nothing more.
    const again = await processor.handleTogether(inventoryDecider, streamId, requests.slice(1, 4));
    expect(again.map((outcome) => outcome.ok && outcome.result.revision)).toEqual(revisions);
    expect(await store.readStream(streamId)).toHaveLength(events.length);
  });

  it('decides them against the log as it is, with another writer\'s appends', async () => {
    await processor.handle(inventoryDecider, { streamId, command: receive(3), metadata: metadata() });
    const other = new CommandProcessor(store, clock);
    await other.handle(inventoryDecider, { streamId, command: receive(1), metadata: metadata() });
    // 4 on hand, 3 of them reserved by the other writer: one left for the two below.
    await other.handle(inventoryDecider, { streamId, command: reserve('order-x', 3), metadata: metadata() });
    const outcomes = await processor.handleTogether(inventoryDecider, streamId, [
      { command: reserve('order-a', 1), metadata: metadata() },
      { command: reserve('order-b', 1), metadata: metadata() },
    ]);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const events = await store.readStream(streamId);
    expect(events.slice(-2).map((event) => event.type)).toEqual(['StockReserved', 'StockReservationRejected']);
  });
});
