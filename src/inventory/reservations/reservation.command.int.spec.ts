// Reservations of one product that arrive while its turn is taken go together in the next turn:
// one append (one fsync) for the group, each command still answered by itself.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandProcessor } from '../../command-handling/command-processor.js';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { SqliteEventStore } from '../../eventstore/sqlite/sqlite-event-store.js';
import { inventoryDecider, productStreamId } from '../inventory.decider.js';
import { ReservationCommandMessage, ReservationHandler } from './reservation.command.js';

const productId = randomUUID();
const streamId = productStreamId(productId);
const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const metadata = (): CommandMetadata => ({ commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), actor: { system: 'order-fulfillment' } });

let dir: string;
let store: SqliteEventStore;
let processor: CommandProcessor;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-reservations-'));
  store = new SqliteEventStore(join(dir, 'events.db'));
  processor = new CommandProcessor(store, clock);
  await processor.handle(inventoryDecider, { streamId, metadata: metadata(), command: { type: 'RegisterProduct', productId, sku: 'HOT-1', name: 'Hot', price: { amount: 100, currency: 'EUR' } } });
  await processor.handle(inventoryDecider, { streamId, metadata: metadata(), command: { type: 'ReceiveStock', productId, quantity: 15, reference: 'PO' } });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ReservationHandler', () => {
  it('sends the reservations waiting for a product together: one append for those that waited, each answered', async () => {
    const handler = new ReservationHandler(processor);
    const appends = jest.spyOn(store, 'append');
    const orders = Array.from({ length: 20 }, (_, i) => `order-${i}`);
    const results = await Promise.all(orders.map((orderId) => handler.execute(new ReservationCommandMessage({ type: 'ReserveStock', productId, orderId, quantity: 1 }, metadata()))));
    // All 20 arrived before the product's turn began: one group, one append (one at a time: 20).
    expect(appends).toHaveBeenCalledTimes(1);
    const events = (await store.readStream(streamId)).slice(2);
    expect(events.map((event) => [event.type, (event.data as { orderId: string }).orderId])).toEqual(
      orders.map((orderId, i) => [i < 15 ? 'StockReserved' : 'StockReservationRejected', orderId]),
    );
    expect(results.map((result) => result.revision)).toEqual(events.map((event) => event.revision));
  });

  it('refuses only the command the product refuses; the others in its group are recorded', async () => {
    const handler = new ReservationHandler(processor);
    const reserve = (orderId: string) => handler.execute(new ReservationCommandMessage({ type: 'ReserveStock', productId, orderId, quantity: 1 }, metadata()));
    const outcomes = await Promise.allSettled([
      reserve('order-a'),
      reserve('order-b'),
      handler.execute(new ReservationCommandMessage({ type: 'CommitReservation', productId, orderId: 'order-none' }, metadata())),
      reserve('order-c'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await store.readStream(streamId)).slice(2).map((event) => (event.data as { orderId: string }).orderId)).toEqual(['order-a', 'order-b', 'order-c']);
  });
});
