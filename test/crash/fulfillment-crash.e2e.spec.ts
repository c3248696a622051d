// Crash safety of order fulfillment: the built service killed with SIGKILL at 10 random moments
// while 100 orders are in flight (sagas reserving, authorizing with every test token, deadlines
// running, customers cancelling, staff dispatching and delivering), restarted on the same
// DATA_DIR each time. Clients retry unanswered requests with the same Idempotency-Key.
// After the last restart every order must reach a terminal state, and the log must show:
//  - the log intact (positions, revisions, hash chains);
//  - no saga left waiting: cancelled orders' sagas completed, the others waiting only for staff;
//  - no stock leaked or released twice: a reservation is held only by a confirmed order awaiting
//    dispatch, released or shipped at most once, never both;
//  - no payment captured (voided, refunded) twice; a cancelled order's capture is refunded, and
//    an authorization that came after the cancellation is voided, never captured;
//  - no cancelled order shipped: no dispatch, no stock shipped, any shipment it had cancelled.
import { afterAll, describe, expect, it } from '@jest/globals';
import { fold } from '../../src/decider/decider.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { evolveFulfillment, initialFulfillmentState, type FulfillmentEvent } from '../../src/fulfillment/fulfillment.decider.js';
import { inventoryDecider, type InventoryEvent } from '../../src/inventory/inventory.decider.js';
import { orderingDecider, type OrderEvent } from '../../src/ordering/ordering.decider.js';
import { newDataDir, startApp, type AppUnderTest, type HttpAnswer, type TestUser } from '../support/app-under-test.js';
import { logProblems, readWholeLog, streamsOf } from '../support/log-verification.js';
import { ADDRESS, productWithStock, settled, sleep } from '../support/orders-client.js';

const ORDERS = 100;
const UP_FRONT = 60;
const KILLS = 10;
const PATIENCE_MS = 60_000;
const ENV = { PAYMENT_DEADLINE_MS: '2500', TEST_GATEWAY_SLOW_MS: '3500', TEST_GATEWAY_TRANSIENT_FAILURES: '2', FULFILLMENT_POLL_MS: '50' };
const TOKENS = ['tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_error', 'tok_error', 'tok_declined', 'tok_slow'];
type Action = 'none' | 'cancel' | 'dispatch' | 'deliver';
const ACTIONS: Action[] = ['none', 'none', 'cancel', 'dispatch', 'deliver'];

interface Planned {
  index: number;
  key: string;
  customer: TestUser;
  lines: { productId: string; quantity: number }[];
  paymentToken: string;
  action: Action;
  id?: string;
  last?: any;
}

const random = (n: number) => Math.floor(Math.random() * n);
const dataDir = newDataDir();
let app: AppUnderTest | undefined;
const seen = { kills: 0, acked: 0, networkErrors: 0, refusedActions: [] as string[] };

afterAll(async () => {
  await app?.destroy();
});

/** A request that a kill may interrupt: undefined if the service went away. */
async function attempt(run: () => Promise<HttpAnswer>): Promise<HttpAnswer | undefined> {
  try {
    return await run();
  } catch {
    seen.networkErrors++;
    return undefined;
  }
}

function done(order: Planned): boolean {
  const o = order.last;
  if (!o || !settled(o)) return false;
  if (o.status === 'cancelled') return true;
  if (order.action === 'dispatch') return o.status === 'shipped' && o.lines.every((l: any) => l.reservation === 'shipped');
  if (order.action === 'deliver') return o.status === 'delivered';
  if (order.action === 'cancel') return false; // confirmed: the cancellation is still to come
  return o.status === 'confirmed';
}

/** One client's pass over the orders: place what is unanswered, follow up on what is confirmed. */
async function drive(current: AppUnderTest, plan: Planned[], staffToken: string, released: number): Promise<void> {
  await Promise.all(
    plan.slice(0, released).map(async (order) => {
      if (!order.id) {
        const placed = await attempt(() => current.request('POST', '/v1/orders', {
          token: order.customer.token, headers: { 'idempotency-key': order.key },
          body: { lines: order.lines, paymentToken: order.paymentToken, shippingAddress: ADDRESS },
        }));
        if (placed?.status !== 201) return;
        order.id = placed.body.id;
        seen.acked++;
      }
      if (done(order)) return;
      const read = await attempt(() => current.request('GET', `/v1/orders/${order.id}`, { token: order.customer.token }));
      if (read?.status !== 200) return;
      order.last = read.body;
      const o = read.body;
      const awaitingDispatch = o.status === 'confirmed' && o.shipment.status === 'created';
      if (order.action === 'cancel' && awaitingDispatch) {
        const answer = await attempt(() => current.request('POST', `/v1/orders/${order.id}/cancel`, { token: order.customer.token, headers: { 'idempotency-key': `cancel-${order.key}` } }));
        if (answer && answer.status !== 200) seen.refusedActions.push(`cancel ${order.id}: ${answer.status} ${answer.body?.code}`);
      }
      if ((order.action === 'dispatch' || order.action === 'deliver') && awaitingDispatch) {
        const answer = await attempt(() => current.request('POST', `/v1/shipments/${o.shipment.id}/dispatch`, {
          token: staffToken, headers: { 'idempotency-key': `dispatch-${order.key}` }, body: { trackingNumber: `TRK-${order.index}` },
        }));
        if (answer && answer.status !== 200) seen.refusedActions.push(`dispatch ${order.id}: ${answer.status} ${answer.body?.code}`);
      }
      if (order.action === 'deliver' && o.status === 'shipped' && o.shipment.status === 'dispatched') {
        await attempt(() => current.request('POST', `/v1/shipments/${o.shipment.id}/deliver`, { token: staffToken, headers: { 'idempotency-key': `deliver-${order.key}` } }));
      }
    }),
  );
}

describe('order fulfillment under kill -9', () => {
  it('brings every order to a terminal state with nothing leaked, doubled or shipped after cancellation', async () => {
    app = await startApp(ENV, dataDir);
    const staffToken = await app.tokenFor('staff');
    const customers = await Promise.all(Array.from({ length: 4 }, () => app!.newUser('customer')));
    const plenty = await productWithStock(app, 500);
    const more = await productWithStock(app, 500);
    const scarce = await productWithStock(app, 12);
    const productIds = [plenty.id, more.id, scarce.id];
    await app.request('GET', `/v1/products/${scarce.id}`, { token: staffToken, headers: { 'x-min-position': scarce.position } });

    const plan: Planned[] = Array.from({ length: ORDERS }, (_, index) => {
      const first = random(3);
      const second = (first + 1 + random(2)) % 3;
      const lines = [{ productId: productIds[first]!, quantity: 1 + random(2) }, ...(random(2) ? [{ productId: productIds[second]!, quantity: 1 }] : [])];
      return { index, key: `crash-order-${index}`, customer: customers[index % customers.length]!, lines, paymentToken: TOKENS[random(TOKENS.length)]!, action: ACTIONS[random(ACTIONS.length)]! };
    });

    // Rounds: drive the clients until a random moment, kill -9, start again on the same data.
    let released = UP_FRONT;
    for (let round = 0; round < KILLS; round++) {
      const current = app;
      const killAt = Date.now() + 250 + random(900);
      while (Date.now() < killAt) {
        await Promise.race([drive(current, plan, staffToken, released), sleep(Math.max(0, killAt - Date.now()))]);
        released = Math.min(ORDERS, released + 5);
        await sleep(20);
      }
      await current.kill();
      seen.kills++;
      app = await startApp(ENV, dataDir);
    }
    released = ORDERS;

    // After the last restart: drive until every order is where its story ends.
    const until = Date.now() + PATIENCE_MS;
    while (plan.some((order) => !done(order)) && Date.now() < until) {
      await drive(app, plan, staffToken, released);
      await sleep(100);
    }
    const unfinished = plan.filter((order) => !done(order)).map((o) => ({ index: o.index, action: o.action, token: o.paymentToken, last: o.last && { status: o.last.status, payment: o.last.payment, shipment: o.last.shipment, lines: o.last.lines.map((l: any) => l.reservation) } }));
    expect(unfinished).toEqual([]);

    const outcome = { confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 } as Record<string, number>;
    for (const order of plan) outcome[order.last.status]++;
    console.log(`fulfillment crash test: ${ORDERS} orders placed (${seen.acked} acknowledged), ${seen.kills} kill -9 survived, outcome ${JSON.stringify(outcome)}, ${seen.networkErrors} requests cut by kills`);

    // ---- what the log says ----
    await app.stop();
    const store = SqliteEventStore.inDataDir(dataDir);
    let events: RecordedEvent[];
    try {
      events = await readWholeLog(store);
      expect(await logProblems(store, events)).toEqual([]);
    } finally {
      await store.close();
    }
    const streams = streamsOf(events);
    const of = (streamId: string) => streams.get(streamId) ?? [];
    const count = (list: RecordedEvent[], type: string, match: (e: RecordedEvent) => boolean = () => true) => list.filter((e) => e.type === type && match(e)).length;

    const problems: string[] = [];
    const orderStatus = new Map<string, string>();
    for (const order of plan) {
      const orderEvents = of(`order-${order.id}`);
      const state = fold(orderingDecider, orderEvents as unknown as OrderEvent[]);
      orderStatus.set(order.id!, state.status);
      const placed = orderEvents[0]?.data as { paymentId: string; shipmentId: string } | undefined;
      if (!placed) {
        problems.push(`order ${order.id} is not in the log`);
        continue;
      }
      const saga = fold({ initialState: initialFulfillmentState, evolve: evolveFulfillment }, of(`fulfillment-${order.id}`) as unknown as FulfillmentEvent[]);
      const payment = of(`payment-${placed.paymentId}`);
      const shipment = of(`shipment-${placed.shipmentId}`);
      for (const type of ['PaymentCaptured', 'PaymentVoided', 'PaymentRefunded', 'PaymentAuthorized']) {
        if (count(payment, type) > 1) problems.push(`order ${order.id}: ${type} ${count(payment, type)} times`);
      }
      if (count(payment, 'PaymentCaptured') && count(payment, 'PaymentVoided')) problems.push(`order ${order.id}: captured and voided`);
      if (state.status === 'cancelled') {
        const cancelledAt = orderEvents.find((e) => e.type === 'OrderCancelled')!;
        if (saga.phase !== 'completed') problems.push(`order ${order.id}: cancelled but its saga is ${saga.phase}`);
        if (count(shipment, 'ShipmentDispatched') || count(orderEvents, 'OrderShipped')) problems.push(`order ${order.id}: cancelled and shipped`);
        if (count(shipment, 'ShipmentCreated') && !count(shipment, 'ShipmentCancelled')) problems.push(`order ${order.id}: cancelled with a live shipment`);
        if ((cancelledAt.data as { reason: string }).reason !== 'customer_request' && count(shipment, 'ShipmentCreated')) problems.push(`order ${order.id}: a shipment for an order the system cancelled`);
        if (count(payment, 'PaymentCaptured') && !count(payment, 'PaymentRefunded')) problems.push(`order ${order.id}: cancelled, captured, not refunded`);
        const lateAuthorization = payment.find((e) => e.type === 'PaymentAuthorized' && e.position > cancelledAt.position);
        if (lateAuthorization && (!count(payment, 'PaymentVoided') || count(payment, 'PaymentCaptured'))) problems.push(`order ${order.id}: a late authorization was not voided`);
      } else {
        if (count(payment, 'PaymentCaptured') !== 1) problems.push(`order ${order.id}: ${state.status} but captured ${count(payment, 'PaymentCaptured')} times`);
        if (saga.phase !== (state.status === 'confirmed' ? 'awaiting_dispatch' : state.status === 'shipped' ? 'shipped' : 'completed')) {
          problems.push(`order ${order.id}: ${state.status} with its saga ${saga.phase}`);
        }
      }
    }

    for (const productId of productIds) {
      const stream = of(`product-${productId}`);
      const product = fold(inventoryDecider, stream as unknown as InventoryEvent[]);
      if (product.status !== 'registered') throw new Error('product missing');
      for (const [orderId, reservation] of Object.entries(product.reservations)) {
        const mine = (e: RecordedEvent) => (e.data as { orderId: string }).orderId === orderId;
        for (const type of ['StockReserved', 'StockReleased', 'ReservedStockShipped', 'StockReservationRejected']) {
          if (count(stream, type, mine) > 1) problems.push(`product ${productId}, order ${orderId}: ${type} ${count(stream, type, mine)} times`);
        }
        if (count(stream, 'StockReleased', mine) && count(stream, 'ReservedStockShipped', mine)) problems.push(`order ${orderId}: stock both released and shipped`);
        const status = orderStatus.get(orderId);
        if (reservation.status === 'reserved' && status !== 'confirmed') problems.push(`order ${orderId} (${status}) still holds ${reservation.quantity} of ${productId}`);
        if (reservation.status === 'shipped' && status !== 'shipped' && status !== 'delivered') problems.push(`order ${orderId} (${status}) had stock shipped`);
      }
      const held = Object.values(product.reservations).filter((r) => r.status === 'reserved').reduce((sum, r) => sum + r.quantity, 0);
      if (held !== product.reserved || product.onHand - product.reserved < 0) problems.push(`product ${productId}: reserved ${product.reserved}, held ${held}, on hand ${product.onHand}`);
    }
    expect(problems).toEqual([]);
    expect(seen.kills).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
