// Ordering's use cases through the HTTP API, in process (the fast int tier: createApp + inject,
// test/support/api-under-test.ts): a customer places an order, reads it back, cancels it; another
// customer cannot see it. The saga's journeys (reservation, payment, shipment, every failure path)
// stay in the e2e tier (test/e2e/orders.e2e.spec.ts, on the built service).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestUser } from '../../test/support/api-client.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import { ADDRESS, placeOrder, productWithStock } from '../../test/support/orders-client.js';

let api: ApiUnderTest;
let alice: TestUser;
let bob: TestUser;
let mug: { id: string; position: string };

beforeAll(async () => {
  api = await startApi();
  [alice, bob, mug] = await Promise.all([api.newUser('customer'), api.newUser('customer'), productWithStock(api, 10, 1200)]);
});
afterAll(async () => {
  await api?.destroy();
});

/** Given an order of Alice's for `quantity` mugs, placed once the catalogue knows the mug. */
async function givenAlicesOrder(quantity = 1): Promise<{ id: string; revision: number; position: string }> {
  const placed = await placeOrder(api, alice, [{ productId: mug.id, quantity }], { minPosition: mug.position });
  expect(placed.status).toBe(201);
  return placed.body;
}

const readOrder = (who: TestUser, id: string, position?: string) =>
  api.request('GET', `/v1/orders/${id}`, { token: who.token, headers: position ? { 'x-min-position': position } : {} });

describe('place-order', () => {
  it('answers 201 {id, revision, position} with a Location; the owner reads the order back at that position', async () => {
    const placed = await placeOrder(api, alice, [{ productId: mug.id, quantity: 2 }], { minPosition: mug.position });

    expect(placed.status).toBe(201);
    expect(placed.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    expect(placed.headers.get('location')).toBe(`/v1/orders/${placed.body.id}`);
    const order = await readOrder(alice, placed.body.id, placed.body.position);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      id: placed.body.id, customerId: alice.id, total: { amount: 2400, currency: 'EUR' }, shippingAddress: ADDRESS,
      lines: [{ productId: mug.id, quantity: 2, unitPrice: { amount: 1200, currency: 'EUR' } }],
    });
  });

  it('refuses a product the catalogue does not know: 422 unknown_product', async () => {
    const placed = await placeOrder(api, alice, [{ productId: '2b1f0c3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e', quantity: 1 }]);

    expectProblem(placed, 422, 'unknown_product');
  });
});

describe("another customer's order", () => {
  it('answers 404 order_not_found to reads and to cancelling, as if it did not exist', async () => {
    const { id, position } = await givenAlicesOrder();

    expectProblem(await readOrder(bob, id, position), 404, 'order_not_found');
    expectProblem(await api.request('POST', `/v1/orders/${id}/cancel`, { token: bob.token }), 404, 'order_not_found');
    expect((await readOrder(alice, id, position)).status).toBe(200);
  });
});

describe('cancel-order', () => {
  it('the owner cancels: 200 with the next revision; the order reads back cancelled at the customer\'s request', async () => {
    const { id } = await givenAlicesOrder();

    const cancelled = await api.request('POST', `/v1/orders/${id}/cancel`, { token: alice.token });

    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ id, revision: expect.any(Number), position: expect.stringMatching(/^\d+$/) });
    expect(cancelled.body.revision).toBeGreaterThan(0);
    const order = await readOrder(alice, id, cancelled.body.position);
    expect(order.body).toMatchObject({ id, status: 'cancelled', cancellationReason: 'customer_request' });
  });

  it('cancelling again records nothing and answers as the first time', async () => {
    const { id } = await givenAlicesOrder();
    const first = await api.request('POST', `/v1/orders/${id}/cancel`, { token: alice.token });

    const again = await api.request('POST', `/v1/orders/${id}/cancel`, { token: alice.token });

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });
});

describe('the per-order line cap (ORDER_MAX_LINE_QUANTITY)', () => {
  let capped: ApiUnderTest;
  afterAll(async () => {
    await capped?.destroy();
  });

  it('refuses a line over the cap with 422 line_quantity_over_limit and records nothing; a line at the cap is placed', async () => {
    capped = await startApi({ ORDER_MAX_LINE_QUANTITY: '3' });
    const [carol, stock] = await Promise.all([capped.newUser('customer'), productWithStock(capped, 100, 500)]);

    const over = await placeOrder(capped, carol, [{ productId: stock.id, quantity: 4 }], { minPosition: stock.position });
    const atCap = await placeOrder(capped, carol, [{ productId: stock.id, quantity: 3 }], { minPosition: stock.position });

    expectProblem(over, 422, 'line_quantity_over_limit');
    expect(over.body.detail).toContain('3');
    expect(atCap.status).toBe(201);
    const mine = await capped.request('GET', '/v1/orders', { token: carol.token, headers: { 'x-min-position': atCap.body.position } });
    expect(mine.body.items.map((order: { id: string }) => order.id)).toEqual([atCap.body.id]);
  });
});
