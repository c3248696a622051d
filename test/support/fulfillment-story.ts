// The order fulfillment story the crash and failover suites tell: a plan of orders (every test
// payment token, cancellations, dispatches, deliveries), clients that drive it over HTTP with
// Idempotency-Keys (retrying what a kill cut off), and what the log must show afterwards.
import { eventOf } from '../../src/command-handling/load-state.js';
import { fold } from '../../src/decider/decider.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { evolveFulfillment, initialFulfillmentState } from '../../src/fulfillment/fulfillment.decider.js';
import { inventoryDecider } from '../../src/inventory/inventory.decider.js';
import { orderingDecider } from '../../src/ordering/ordering.decider.js';
import type { ApiClient, HttpAnswer, TestUser } from './api-client.js';
import { streamsOf } from './log-verification.js';
import { ADDRESS, settled } from './orders-client.js';

export const FULFILLMENT_ENV = { PAYMENT_DEADLINE_MS: '2500', TEST_GATEWAY_SLOW_MS: '3500', TEST_GATEWAY_TRANSIENT_FAILURES: '2', FULFILLMENT_POLL_MS: '50' };
const TOKENS = ['tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_error', 'tok_error', 'tok_declined', 'tok_slow'];
type Action = 'none' | 'cancel' | 'dispatch' | 'deliver';
const ACTIONS: Action[] = ['none', 'none', 'cancel', 'dispatch', 'deliver'];

export interface Planned {
  index: number;
  key: string;
  customer: TestUser;
  lines: { productId: string; quantity: number }[];
  paymentToken: string;
  action: Action;
  id?: string;
  last?: any;
}

export interface DriveStats {
  acked: number;
  networkErrors: number;
  refusedActions: string[];
}

const random = (n: number) => Math.floor(Math.random() * n);

export function planOrders(count: number, customers: readonly TestUser[], productIds: readonly string[], keyPrefix: string): Planned[] {
  return Array.from({ length: count }, (_, index) => {
    const first = random(productIds.length);
    const second = (first + 1 + random(productIds.length - 1)) % productIds.length;
    const lines = [{ productId: productIds[first]!, quantity: 1 + random(2) }, ...(random(2) ? [{ productId: productIds[second]!, quantity: 1 }] : [])];
    return { index, key: `${keyPrefix}-${index}`, customer: customers[index % customers.length]!, lines, paymentToken: TOKENS[random(TOKENS.length)]!, action: ACTIONS[random(ACTIONS.length)]! };
  });
}

/** Where the order's story ends, as its last read says. */
export function done(order: Planned): boolean {
  const o = order.last;
  if (!o || !settled(o)) return false;
  if (o.status === 'cancelled') return true;
  if (order.action === 'dispatch') return o.status === 'shipped' && o.lines.every((l: any) => l.reservation === 'shipped');
  if (order.action === 'deliver') return o.status === 'delivered';
  if (order.action === 'cancel') return false; // confirmed: the cancellation is still to come
  return o.status === 'confirmed';
}

/**
 * One pass of the clients over the first `released` orders: place what is unanswered, follow up on
 * what is confirmed. `via()` names the service to send each request to (one process, or any of
 * several instances); a request a kill cuts off is counted and tried again on the next pass.
 */
export async function drive(via: () => ApiClient, plan: Planned[], staffToken: string, released: number, stats: DriveStats): Promise<void> {
  const attempt = async (run: (app: ApiClient) => Promise<HttpAnswer>): Promise<HttpAnswer | undefined> => {
    try {
      return await run(via());
    } catch {
      stats.networkErrors++;
      return undefined;
    }
  };
  await Promise.all(
    plan.slice(0, released).map(async (order) => {
      if (!order.id) {
        const placed = await attempt((app) => app.request('POST', '/v1/orders', {
          token: order.customer.token, headers: { 'idempotency-key': order.key },
          body: { lines: order.lines, paymentToken: order.paymentToken, shippingAddress: ADDRESS },
        }));
        if (placed?.status !== 201) return;
        order.id = placed.body.id;
        stats.acked++;
      }
      if (done(order)) return;
      const read = await attempt((app) => app.request('GET', `/v1/orders/${order.id}`, { token: order.customer.token }));
      if (read?.status !== 200) return;
      order.last = read.body;
      const o = read.body;
      const awaitingDispatch = o.status === 'confirmed' && o.shipment.status === 'created';
      if (order.action === 'cancel' && awaitingDispatch) {
        const answer = await attempt((app) => app.request('POST', `/v1/orders/${order.id}/cancel`, { token: order.customer.token, headers: { 'idempotency-key': `cancel-${order.key}` } }));
        if (answer && answer.status !== 200) stats.refusedActions.push(`cancel ${order.id}: ${answer.status} ${answer.body?.code}`);
      }
      if ((order.action === 'dispatch' || order.action === 'deliver') && awaitingDispatch) {
        const answer = await attempt((app) => app.request('POST', `/v1/shipments/${o.shipment.id}/dispatch`, {
          token: staffToken, headers: { 'idempotency-key': `dispatch-${order.key}` }, body: { trackingNumber: `TRK-${order.index}` },
        }));
        if (answer && answer.status !== 200) stats.refusedActions.push(`dispatch ${order.id}: ${answer.status} ${answer.body?.code}`);
      }
      if (order.action === 'deliver' && o.status === 'shipped' && o.shipment.status === 'dispatched') {
        await attempt((app) => app.request('POST', `/v1/shipments/${o.shipment.id}/deliver`, { token: staffToken, headers: { 'idempotency-key': `deliver-${order.key}` } }));
      }
    }),
  );
}

export function unfinished(plan: readonly Planned[]): unknown[] {
  return plan.filter((order) => !done(order)).map((o) => ({ index: o.index, action: o.action, token: o.paymentToken, last: o.last && { status: o.last.status, payment: o.last.payment, shipment: o.last.shipment, lines: o.last.lines.map((l: any) => l.reservation) } }));
}

/**
 * What is wrong in the log with the planned orders and the products they drew on: every order
 * placed once, its saga where its status says, no payment captured, voided, refunded or authorized
 * twice, no cancelled order shipped or left holding stock, no reservation released twice or both
 * released and shipped.
 */
export function fulfillmentProblems(events: readonly RecordedEvent[], plan: readonly Planned[], productIds: readonly string[]): string[] {
  const streams = streamsOf(events);
  const of = (streamId: string) => streams.get(streamId) ?? [];
  const count = (list: RecordedEvent[], type: string, match: (e: RecordedEvent) => boolean = () => true) => list.filter((e) => e.type === type && match(e)).length;

  const problems: string[] = [];
  const orderStatus = new Map<string, string>();
  for (const order of plan) {
    const orderEvents = of(`order-${order.id}`);
    const state = fold(orderingDecider, orderEvents.map((event) => eventOf(orderingDecider, event)));
    orderStatus.set(order.id!, state.status);
    const placed = orderEvents[0]?.data as { paymentId: string; shipmentId: string } | undefined;
    if (!placed) {
      problems.push(`order ${order.id} is not in the log`);
      continue;
    }
    if (count(orderEvents, 'OrderPlaced') !== 1) problems.push(`order ${order.id}: placed ${count(orderEvents, 'OrderPlaced')} times`);
    const saga = fold({ initialState: initialFulfillmentState, evolve: evolveFulfillment }, of(`fulfillment-${order.id}`).map((event) => eventOf({ evolve: evolveFulfillment }, event)));
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
    const product = fold(inventoryDecider, stream.map((event) => eventOf(inventoryDecider, event)));
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
  return problems;
}
