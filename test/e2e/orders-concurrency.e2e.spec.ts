// 200 concurrent orders of one unit each against 50 units of one product, as real concurrent
// HTTP requests. Exactly 50 end confirmed and 150 cancelled for lack of stock; stock never goes
// negative in any event or read model; and the balance
//   reserved + available + shipped = received + adjusted
// holds in every read of the stock-levels read model while the orders run, and after every
// single event of the product's stream (checked from the log once the service has stopped).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fold } from '../../src/decider/decider.js';
import { eventOf } from '../../src/command-handling/load-state.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { inventoryDecider, productStreamId, type ProductState } from '../../src/inventory/inventory.decider.js';
import { startApp, type AppUnderTest, type TestUser } from '../support/app-under-test.js';
import { placeOrder, productWithStock, settled, sleep, waitForOrder } from '../support/orders-client.js';

const ORDERS = 200;
const STOCK = 50;
const CUSTOMERS = 5;

let app: AppUnderTest;

beforeAll(async () => {
  app = await startApp({ FULFILLMENT_POLL_MS: '50' });
}, 60_000);
afterAll(async () => {
  await app.destroy();
});

describe('200 orders racing for 50 units', () => {
  it('confirms exactly 50, cancels 150 for lack of stock, and never oversells', async () => {
    const t0 = Date.now();
    const product = await productWithStock(app, STOCK);
    const customers: TestUser[] = await Promise.all(Array.from({ length: CUSTOMERS }, () => app.newUser('customer')));
    const staffToken = await app.tokenFor('staff');
    // The catalogue must know the product before the orders look its price up.
    expect((await app.request('GET', `/v1/products/${product.id}`, { token: staffToken, headers: { 'x-min-position': product.position } })).status).toBe(200);

    // Sample the stock-levels read model all along.
    const samples: any[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const level = await app.request('GET', `/v1/stock-levels/${product.id}`, { token: staffToken });
        if (level.status === 200) samples.push(level.body);
        await sleep(5);
      }
    })();

    const t1 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => placeOrder(app, customers[i % CUSTOMERS]!, [{ productId: product.id, quantity: 1 }])),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    const t2 = Date.now();

    const orders = await Promise.all(
      answers.map((answer, i) => waitForOrder(app, customers[i % CUSTOMERS]!.token, answer.body.id, settled, 60_000)),
    );
    sampling = false;
    await sampler;
    const t3 = Date.now();

    const confirmed = orders.filter((o) => o.status === 'confirmed');
    const cancelled = orders.filter((o) => o.status === 'cancelled');
    console.log(`concurrency: ${ORDERS} orders placed, ${confirmed.length} confirmed, ${cancelled.length} cancelled; ${samples.length} stock-level samples; setup ${t1 - t0} ms, placing ${t2 - t1} ms, settling ${t3 - t2} ms`);
    expect(confirmed).toHaveLength(STOCK);
    expect(cancelled).toHaveLength(ORDERS - STOCK);
    for (const order of cancelled) expect(order).toMatchObject({ cancellationReason: 'out_of_stock', payment: { status: 'none' }, shipment: { status: 'none' } });
    for (const order of confirmed) expect(order).toMatchObject({ payment: { status: 'captured' }, shipment: { status: 'created' } });

    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s.reserved + s.available + s.shipped).toBe(s.received + s.adjusted);
      expect(Math.min(s.onHand, s.reserved, s.available, s.shipped)).toBeGreaterThanOrEqual(0);
    }
    const health = await app.as('admin').request('GET', '/health');
    const head = health.body.info?.eventStore?.headPosition ?? health.body.details?.eventStore?.headPosition;
    const final = await app.request('GET', `/v1/stock-levels/${product.id}`, { token: staffToken, headers: { 'x-min-position': head } });
    expect(final.body).toMatchObject({ received: STOCK, adjusted: 0, onHand: STOCK, reserved: STOCK, available: 0, shipped: 0 });

    // The log, event by event: nothing ever negative, the balance always kept.
    await app.stop();
    const store = SqliteEventStore.inDataDir(app.dataDir);
    try {
      const stream = (await store.readStream(productStreamId(product.id))).map((recorded) => eventOf(inventoryDecider, recorded));
      let state: ProductState = inventoryDecider.initialState;
      let received = 0;
      let shipped = 0;
      for (const event of stream) {
        state = inventoryDecider.evolve(state, event);
        if (event.type === 'StockReceived') received += event.data.quantity;
        if (event.type === 'ReservedStockShipped') shipped += event.data.quantity;
        if (event.type === 'StockReservationRejected') expect(event.data.available).toBeGreaterThanOrEqual(0);
        if (state.status !== 'registered') continue;
        const available = state.onHand - state.reserved;
        expect(Math.min(state.onHand, state.reserved, available)).toBeGreaterThanOrEqual(0);
        expect(state.reserved + available + shipped).toBe(received);
      }
      const end = fold(inventoryDecider, stream);
      expect(end.status === 'registered' && Object.values(end.reservations).filter((r) => r.status === 'reserved')).toHaveLength(STOCK);
      expect(stream.filter((e) => e.type === 'StockReserved')).toHaveLength(STOCK);
      expect(stream.filter((e) => e.type === 'StockReservationRejected')).toHaveLength(ORDERS - STOCK);
    } finally {
      await store.close();
    }
  }, 120_000);
});
