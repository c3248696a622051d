// A service that starts on a long log it has not projected yet (a first start on an existing
// log, or every projection bumped) keeps serving HTTP while its subscribers catch up: the
// embedded store's reads are synchronous, and a catch-up that never gave the event loop a turn
// would hold every request (even listen()) until it reached the head.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { NewEvent } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';

const PRODUCTS = 300;
const RECEIPTS_PER_PRODUCT = 99;

async function writeBacklog(dataDir: string): Promise<void> {
  const store = new SqliteEventStore(join(dataDir, 'events.db'));
  const metadata = () => ({
    actor: { system: 'backlog-test' }, commandId: randomUUID(), commandType: 'Backlog',
    correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(),
  });
  for (let p = 0; p < PRODUCTS; p++) {
    const productId = randomUUID();
    const events: NewEvent[] = [
      { eventId: randomUUID(), type: 'ProductRegistered', metadata: metadata(), data: { productId, sku: `BACKLOG-${p}`, name: `Backlog ${p}`, price: { amount: 100, currency: 'EUR' } } },
      ...Array.from({ length: RECEIPTS_PER_PRODUCT }, (): NewEvent => ({
        eventId: randomUUID(), type: 'StockReceived', schemaVersion: 2, metadata: metadata(), data: { productId, quantity: 1, deliveryReference: 'PO' },
      })),
    ];
    await store.append(`product-${productId}`, events, 'no_stream');
  }
  await store.close();
}

interface Subscriber {
  name: string;
  caughtUp: boolean;
}

let app: AppUnderTest;
const dataDir = newDataDir();

beforeAll(async () => {
  await writeBacklog(dataDir);
  app = await startApp({}, dataDir);
}, 120_000);
afterAll(async () => {
  await app.destroy();
});

describe('catching up a backlog', () => {
  it('answers requests while the projections are still behind, then catches up', async () => {
    const first = await app.as('admin').request('GET', '/health');
    const subscribers = (answer: typeof first): Subscriber[] => answer.body.details.subscriptions.subscribers;
    // Served before the catch-up finished: some subscriber is still behind the head.
    expect(subscribers(first).some((s) => !s.caughtUp)).toBe(true);

    let latest = first;
    for (let polls = 0; polls < 1200 && subscribers(latest).some((s) => !s.caughtUp); polls++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      latest = await app.as('admin').request('GET', '/health');
    }
    expect(subscribers(latest).every((s) => s.caughtUp)).toBe(true);
    const list = await app.as('staff').request('GET', '/v1/products?limit=100');
    expect(list.body.items.filter((item: { sku: string }) => item.sku.startsWith('BACKLOG-')).length).toBe(100);
    expect(list.body.items.every((item: { available: number }) => item.available === RECEIPTS_PER_PRODUCT)).toBe(true);
  }, 180_000);
});
