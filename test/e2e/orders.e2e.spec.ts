// Orders end to end over real HTTP: placing, the saga's happy path through dispatch and
// delivery, every failure path (stock short, declined, slow past the deadline, transient
// processor errors), customer cancellation with refunds, access and validation.
// Real clock with short settings: a 1.5 s payment deadline, tok_slow answering after 3 s.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppUnderTest, type TestUser } from '../support/app-under-test.js';
import { ADDRESS, placeOrder, productWithStock, settled, waitForOrder } from '../support/orders-client.js';

const PROBLEM = 'application/problem+json';
let app: AppUnderTest;
let customer: TestUser;

function expectProblem(answer: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toContain(PROBLEM);
}

async function product(quantity: number, amount = 1000) {
  return productWithStock(app, quantity, amount);
}

async function stockOf(productId: string, position?: string) {
  return (await app.as('staff').request('GET', `/v1/products/${productId}`, { headers: position ? { 'x-min-position': position } : {} })).body;
}

/** Stock once the read model has caught up with everything so far. */
async function stockNow(productId: string) {
  const health = await app.as('admin').request('GET', '/health');
  return stockOf(productId, health.body.info?.eventStore?.headPosition ?? health.body.details?.eventStore?.headPosition);
}

async function place(lines: { productId: string; quantity: number }[], paymentToken = 'tok_ok', who = customer, minPosition?: string) {
  const answer = await placeOrder(app, who, lines, { paymentToken, ...(minPosition ? { minPosition } : {}) });
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

const dispatch = (shipmentId: string, trackingNumber = 'TRACK-1') =>
  app.as('staff').request('POST', `/v1/shipments/${shipmentId}/dispatch`, { body: { trackingNumber } });

beforeAll(async () => {
  app = await startApp({ PAYMENT_DEADLINE_MS: '1500', TEST_GATEWAY_SLOW_MS: '3000', TEST_GATEWAY_TRANSIENT_FAILURES: '2', FULFILLMENT_POLL_MS: '50' });
  customer = await app.newUser('customer');
}, 60_000);
afterAll(async () => {
  await app.destroy();
});

describe('the happy path', () => {
  it('reserves, authorizes, confirms, captures and creates the shipment; staff dispatch and deliver', async () => {
    const mug = await product(10, 1200);
    const cup = await product(5, 800);
    const placed = await placeOrder(app, customer, [{ productId: mug.id, quantity: 2 }, { productId: cup.id, quantity: 1 }], {
      minPosition: cup.position, headers: { 'x-correlation-id': 'checkout-77' },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    expect(placed.headers.get('location')).toBe(`/v1/orders/${placed.body.id}`);
    const orderId = placed.body.id;

    const confirmed = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'confirmed' && o.shipment.status === 'created');
    expect(confirmed).toMatchObject({
      id: orderId, customerId: customer.id, status: 'confirmed', total: { amount: 3200, currency: 'EUR' }, shippingAddress: ADDRESS,
      payment: { status: 'captured' }, correlationId: `${customer.id}:checkout-77`,
      lines: [
        { productId: mug.id, quantity: 2, unitPrice: { amount: 1200, currency: 'EUR' }, reservation: 'reserved' },
        { productId: cup.id, quantity: 1, unitPrice: { amount: 800, currency: 'EUR' }, reservation: 'reserved' },
      ],
    });
    expect(await stockNow(mug.id)).toMatchObject({ onHand: 10, reserved: 2, available: 8 });

    // Every step is traceable to its cause: each saga-sent step names the event it answered.
    const steps = new Map<string, any>(confirmed.timeline.map((entry: any) => [entry.event, entry]));
    const byId = new Map<string, any>(confirmed.timeline.map((entry: any) => [entry.eventId, entry]));
    expect(steps.get('OrderPlaced').causationId).not.toBe(steps.get('OrderPlaced').eventId);
    for (const step of ['StockReserved', 'PaymentAuthorizationRequested', 'OrderConfirmed', 'PaymentCaptured', 'ShipmentCreated', 'PaymentAuthorized']) {
      const cause = byId.get(steps.get(step).causationId);
      expect({ step, causedBy: cause?.event ?? 'nothing in the timeline' }).toEqual({
        step,
        causedBy: { StockReserved: 'OrderPlaced', PaymentAuthorizationRequested: 'StockReserved', PaymentAuthorized: 'PaymentAuthorizationRequested', OrderConfirmed: 'PaymentAuthorized', PaymentCaptured: 'OrderConfirmed', ShipmentCreated: 'PaymentCaptured' }[step],
      });
    }

    const shipmentId = confirmed.shipment.id;
    const dispatched = await dispatch(shipmentId, 'DHL-123456');
    expect(dispatched.status).toBe(200);
    expect(dispatched.body).toMatchObject({ id: shipmentId });
    const shipped = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'shipped' && o.lines.every((l: any) => l.reservation === 'shipped'));
    expect(shipped.shipment).toMatchObject({ status: 'dispatched', trackingNumber: 'DHL-123456' });
    expect(await stockNow(mug.id)).toMatchObject({ onHand: 8, reserved: 0, available: 8 });

    expect((await app.as('staff').request('POST', `/v1/shipments/${shipmentId}/deliver`)).status).toBe(200);
    const delivered = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'delivered');
    expect(delivered.shipment.status).toBe('delivered');
    expect(delivered.timeline.map((e: any) => e.event)).toEqual(expect.arrayContaining(['OrderShipped', 'ShipmentDispatched', 'ReservedStockShipped', 'ShipmentDelivered', 'OrderDelivered']));

    // After dispatch the customer can no longer cancel.
    expectProblem(await app.request('POST', `/v1/orders/${orderId}/cancel`, { token: customer.token }), 409, 'order_already_shipped');
  });

  it('retries a processor that fails transiently (tok_error) and confirms', async () => {
    const item = await product(3);
    const orderId = await place([{ productId: item.id, quantity: 1 }], 'tok_error', customer, item.position);
    const order = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'confirmed' && o.shipment.status === 'created');
    expect(order.payment.status).toBe('captured');
  });

  it('places the same order once for a repeated Idempotency-Key', async () => {
    const item = await product(3);
    const send = () => placeOrder(app, customer, [{ productId: item.id, quantity: 1 }], { minPosition: item.position, headers: { 'idempotency-key': `order-${item.id}` } });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    await waitForOrder(app, customer.token, first.body.id, settled);
    expect(await stockNow(item.id)).toMatchObject({ reserved: 1, available: 2 });
  });
});

describe('failure paths', () => {
  it('cancels for lack of stock and releases the lines that were reserved', async () => {
    const plenty = await product(10);
    const scarce = await product(1);
    const orderId = await place([{ productId: plenty.id, quantity: 3 }, { productId: scarce.id, quantity: 2 }], 'tok_ok', customer, scarce.position);
    const order = await waitForOrder(app, customer.token, orderId, settled);
    expect(order).toMatchObject({ status: 'cancelled', cancellationReason: 'out_of_stock', payment: { status: 'none' }, shipment: { status: 'none' } });
    expect(order.lines.map((l: any) => l.reservation)).toEqual(['released', 'rejected']);
    expect(await stockNow(plenty.id)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
  });

  it('cancels a declined payment (tok_declined) and releases the stock', async () => {
    const item = await product(4);
    const orderId = await place([{ productId: item.id, quantity: 2 }], 'tok_declined', customer, item.position);
    const order = await waitForOrder(app, customer.token, orderId, settled);
    expect(order).toMatchObject({ status: 'cancelled', cancellationReason: 'payment_declined', payment: { status: 'declined', declineReason: 'card_declined' } });
    expect(await stockNow(item.id)).toMatchObject({ reserved: 0, available: 4 });
  });

  it('cancels at the payment deadline (tok_slow), and voids the authorization that comes later: never shipped', async () => {
    const item = await product(4);
    const orderId = await place([{ productId: item.id, quantity: 1 }], 'tok_slow', customer, item.position);
    const cancelled = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'cancelled');
    expect(cancelled.cancellationReason).toBe('payment_timeout');
    const order = await waitForOrder(app, customer.token, orderId, settled);
    expect(order.payment.status).toBe('voided');
    expect(order.shipment.status).toBe('none');
    const events = order.timeline.map((e: any) => e.event);
    expect(events.indexOf('PaymentAuthorized')).toBeGreaterThan(events.indexOf('OrderCancelled'));
    expect(events).not.toContain('PaymentCaptured');
    expect(await stockNow(item.id)).toMatchObject({ reserved: 0, available: 4 });
  });
});

describe('customer cancellation', () => {
  it('before dispatch: releases the stock, refunds the payment and cancels the shipment', async () => {
    const item = await product(5);
    const orderId = await place([{ productId: item.id, quantity: 2 }], 'tok_ok', customer, item.position);
    const confirmed = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'confirmed' && o.shipment.status === 'created');
    const answer = await app.request('POST', `/v1/orders/${orderId}/cancel`, { token: customer.token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: orderId });
    // Wait for the cancellation itself: the order as it was before it (confirmed) is settled too.
    const order = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'cancelled' && settled(o));
    expect(order).toMatchObject({ status: 'cancelled', cancellationReason: 'customer_request', payment: { status: 'refunded' }, shipment: { status: 'cancelled' } });
    expect(await stockNow(item.id)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    // Staff cannot dispatch the shipment of a cancelled order.
    expectProblem(await dispatch(confirmed.shipment.id), 409, 'shipment_cancelled');
    // Cancelling again changes nothing.
    const again = await app.request('POST', `/v1/orders/${orderId}/cancel`, { token: customer.token });
    expect(again.body).toEqual(answer.body);
  });

  it('dispatch and cancellation racing: exactly one wins, and a cancelled order never ships', async () => {
    const item = await product(5);
    const orderId = await place([{ productId: item.id, quantity: 1 }], 'tok_ok', customer, item.position);
    const confirmed = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'confirmed' && o.shipment.status === 'created');
    const [dispatched, cancelled] = await Promise.all([dispatch(confirmed.shipment.id), app.request('POST', `/v1/orders/${orderId}/cancel`, { token: customer.token })]);
    expect([dispatched.status, cancelled.status].filter((s) => s === 200)).toHaveLength(1);
    // Wait until the winner's effect is read back (the order before either, confirmed, is settled too),
    // then the loser must have left no trace: a cancelled order's shipment never dispatched, and back.
    const cancelWon = cancelled.status === 200;
    const order = await waitForOrder(app, customer.token, orderId, (o) => settled(o) && (cancelWon ? o.status === 'cancelled' : o.shipment.status === 'dispatched'));
    if (cancelWon) expect(order.shipment.status).toBe('cancelled');
    else expect(order.status).not.toBe('cancelled');
  });
});

describe('access and validation', () => {
  it("answers 404 for another customer's order and lists only one's own, paginated", async () => {
    const item = await product(10);
    const other = await app.newUser('customer');
    const mine = [await place([{ productId: item.id, quantity: 1 }], 'tok_ok', other, item.position), await place([{ productId: item.id, quantity: 1 }], 'tok_ok', other)];
    const theirs = await place([{ productId: item.id, quantity: 1 }], 'tok_ok', customer);
    expectProblem(await app.request('GET', `/v1/orders/${theirs}`, { token: other.token }), 404, 'order_not_found');
    expectProblem(await app.request('POST', `/v1/orders/${theirs}/cancel`, { token: other.token }), 404, 'order_not_found');

    await waitForOrder(app, other.token, mine[1]!, () => true);
    const first = await app.request('GET', '/v1/orders?limit=1', { token: other.token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: any) => o.id)).toEqual([mine[1]]);
    const second = await app.request('GET', `/v1/orders?limit=1&cursor=${first.body.nextCursor}`, { token: other.token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: mine[0], customerId: other.id })], nextCursor: null });
    // Staff see every order.
    expect((await app.as('staff').request('GET', `/v1/orders/${theirs}`)).status).toBe(200);
  });

  it('only staff dispatch and deliver; a customer cannot', async () => {
    const unknown = '2b1f0c3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
    expect((await app.request('POST', `/v1/shipments/${unknown}/dispatch`, { token: customer.token, body: { trackingNumber: 'X1' } })).status).toBe(403);
    expectProblem(await dispatch(unknown), 404, 'shipment_not_found');
    expectProblem(await app.as('staff').request('POST', `/v1/shipments/${unknown}/deliver`), 404, 'shipment_not_found');
    expect((await app.request('POST', '/v1/orders', { body: {} })).status).toBe(401);
  });

  it('refuses malformed orders', async () => {
    const item = await product(10);
    const line = { productId: item.id, quantity: 1 };
    const post = (body: unknown) => app.request('POST', '/v1/orders', { token: customer.token, body });
    const valid = { lines: [line], paymentToken: 'tok_ok', shippingAddress: ADDRESS };
    expectProblem(await post({ ...valid, paymentToken: '4242 4242 4242 4242' }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, lines: [] }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, lines: Array.from({ length: 21 }, () => line) }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, lines: [{ ...line, quantity: 0 }] }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, lines: [{ ...line, quantity: 1.5 }] }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, shippingAddress: { ...ADDRESS, country: 'Germany' } }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, unexpected: true }), 400, 'validation_failed');
    expectProblem(await post({ ...valid, lines: [line, line] }), 422, 'duplicate_order_line');
    expectProblem(await post({ ...valid, lines: [{ productId: '2b1f0c3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e', quantity: 1 }] }), 422, 'unknown_product');
    expectProblem(await app.request('GET', '/v1/orders/not-a-uuid', { token: customer.token }), 400, 'invalid_id');
  });
});
