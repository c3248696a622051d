// Events stored in an old shape (StockReceived v1, `reference`) read through the upcasting
// decorator: the decider and the projections see only the current shape, while the stored
// shape, and so the hash chain, stays as it was written.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productDetailsProjection } from '../../../projections/product-details/product-details.projection.js';
import { CommandProcessor } from '../../command-handling/command-processor.js';
import { loadState } from '../../command-handling/load-state.js';
import { inventoryDecider, productStreamId } from '../../inventory/inventory.decider.js';
import { ProjectionEngine } from '../../projection-engine/projection-engine.js';
import type { NewEvent, RecordedEvent } from '../event-store.port.js';
import { findChainBreak } from '../hash-chain.js';
import { SqliteEventStore } from '../sqlite/sqlite-event-store.js';
import { allUpcasters } from '../../upcasters.js';
import { UpcastingEventStore } from './upcasting-event-store.js';

const productId = randomUUID();
const streamId = productStreamId(productId);
const metadata = () => ({
  actor: { userId: 'staff-1', roles: ['staff'] }, commandId: randomUUID(), commandType: 'Legacy',
  correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2025-01-01T00:00:00.000Z',
});
/** What the service wrote before StockReceived v2: no schemaVersion (1) and `reference`. */
const legacyHistory: NewEvent[] = [
  { eventId: randomUUID(), type: 'ProductRegistered', metadata: metadata(), data: { productId, sku: 'OLD-1', name: 'Old', price: { amount: 500, currency: 'EUR' } } },
  { eventId: randomUUID(), type: 'StockReceived', metadata: metadata(), data: { productId, quantity: 7, reference: 'PO-OLD-1' } },
  { eventId: randomUUID(), type: 'StockReceived', schemaVersion: 1, metadata: metadata(), data: { productId, quantity: 3, reference: 'PO-OLD-2' } },
];

let dir: string;
let raw: SqliteEventStore;
let store: UpcastingEventStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-upcasting-'));
  raw = new SqliteEventStore(join(dir, 'events.db'));
  store = new UpcastingEventStore(raw, allUpcasters);
  await raw.append(streamId, legacyHistory, 'no_stream');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StockReceived v1 -> v2', () => {
  it('reads old events in the current shape, and the stored shape is unchanged', async () => {
    const [, first, second] = await store.readStream(streamId);
    expect(first).toMatchObject({ schemaVersion: 2, data: { productId, quantity: 7, deliveryReference: 'PO-OLD-1' } });
    expect(first!.data).not.toHaveProperty('reference');
    expect(second).toMatchObject({ schemaVersion: 2, data: { deliveryReference: 'PO-OLD-2' } });
    const stored = await raw.readStream(streamId);
    expect(stored[1]).toMatchObject({ schemaVersion: 1, data: { reference: 'PO-OLD-1' } });
    expect(findChainBreak(stored)).toBeUndefined();
  });

  it('upcasts on $all and on subscriptions too', async () => {
    const all = await store.readAll();
    expect(all.filter((e) => e.type === 'StockReceived').map((e) => e.data)).toEqual([
      { productId, quantity: 7, deliveryReference: 'PO-OLD-1' },
      { productId, quantity: 3, deliveryReference: 'PO-OLD-2' },
    ]);
    const delivered: RecordedEvent[] = [];
    const abort = new AbortController();
    for await (const message of store.subscribeToAll({ signal: abort.signal })) {
      if (message.kind === 'caughtUp') break;
      delivered.push(message.event);
    }
    abort.abort();
    expect(delivered.map((e) => e.schemaVersion)).toEqual([1, 2, 2]);
  });

  it('lets the decider fold old and new events alike and appends the new shape', async () => {
    const processor = new CommandProcessor(store, { now: () => new Date('2026-11-23T12:00:00Z') });
    await processor.handle(inventoryDecider, {
      streamId, command: { type: 'ReceiveStock', productId, quantity: 5, reference: 'PO-NEW' },
      metadata: { commandId: randomUUID(), correlationId: 'c', causationId: 'c', actor: { userId: 'u', roles: ['staff'] } },
    });
    const state = await loadState(store, inventoryDecider, streamId);
    expect(state).toMatchObject({ status: 'registered', onHand: 15 });
    const stored = await raw.readStream(streamId);
    expect(stored[3]).toMatchObject({ schemaVersion: 2, data: { deliveryReference: 'PO-NEW' } });
    expect(findChainBreak(stored)).toBeUndefined();
  });

  it('projects old events like new ones', async () => {
    const engine = new ProjectionEngine(productDetailsProjection);
    const { writes } = engine.project(new Map(), await store.readStream(streamId));
    expect(writes).toEqual([{ op: 'upsert', collection: productDetailsProjection.collection.name, doc: expect.objectContaining({ onHand: 10, available: 10 }) }]);
  });
});
