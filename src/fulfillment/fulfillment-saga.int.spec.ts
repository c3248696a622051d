// The saga's fast path: once a step is recorded, its commands are handed to the relay at once
// (they need not wait for the step to come round the log); a step answered before sends nothing new.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../test/support/manual-clock.js';
import { CommandProcessor } from '../command-handling/command-processor.js';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { FulfillmentSaga } from './fulfillment-saga.js';
import { fulfillmentStreamId, type FulfillmentTrigger } from './fulfillment.decider.js';

const orderId = 'a0000000-0000-4000-8000-000000000001';
const mug = 'd0000000-0000-4000-8000-000000000001';
const cup = 'd0000000-0000-4000-8000-000000000002';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const placed = {
  type: 'OrderPlaced', eventId: 'evt-order-placed', correlationId: 'corr-1',
  data: {
    orderId, customerId: 'cust-1', paymentId: 'b0000000-0000-4000-8000-000000000001', shipmentId: 'c0000000-0000-4000-8000-000000000001',
    shippingAddress: { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' }, total: eur(3500),
    lines: [
      { productId: mug, sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: eur(1000) },
      { productId: cup, sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: eur(1500) },
    ],
  },
} as FulfillmentTrigger;

/** Test double of the command relay's fast path: records what it is handed. */
class RecordingStepSender {
  readonly handed: RecordedEvent[][] = [];
  private handedOver: () => void = () => {};
  async sendRecorded(events: readonly RecordedEvent[]): Promise<void> {
    this.handed.push([...events]);
    this.handedOver();
  }
  /** Resolves once `count` steps have been handed over. */
  async reach(count: number): Promise<void> {
    while (this.handed.length < count) await new Promise<void>((done) => (this.handedOver = done));
  }
}

let dir: string;
let store: SqliteEventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-saga-'));
  store = new SqliteEventStore(join(dir, 'events.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FulfillmentSaga sending a recorded step at once', () => {
  it('hands the events of the step it just recorded to the relay', async () => {
    const relay = new RecordingStepSender();
    const clock = new ManualClock(new Date('2026-12-03T12:00:00Z'));
    const saga = new FulfillmentSaga(new CommandProcessor(store, clock), clock, 15 * 60_000, { store, relay });
    const step = await saga.answer(placed);
    await relay.reach(1);
    const [started] = relay.handed[0]!;
    expect(started).toMatchObject({ streamId: fulfillmentStreamId(orderId), type: 'FulfillmentStarted', revision: step.revision, metadata: { causationId: 'evt-order-placed' } });
    expect((started!.data as { commands: { type: string; productId: string }[] }).commands.map((command) => [command.type, command.productId])).toEqual([
      ['ReserveStock', mug],
      ['ReserveStock', cup],
    ]);
    // Answered again (a redelivery): nothing new is recorded, and nothing else is handed over.
    await saga.answer(placed);
    await relay.reach(2);
    expect(relay.handed[1]).toEqual(relay.handed[0]);
    expect(await store.readStream(fulfillmentStreamId(orderId))).toHaveLength(1);
  });
});
