// Staff's work to do, end to end: the orders awaiting dispatch (a status filter on GET /v1/orders,
// each summary leading to its shipment), dispatch and delivery continuing the order's correlation
// (one causation tree, one root), and a rebuild's 202 naming where to follow it.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';
import { expectProblem } from '../support/expect-problem.js';
import { placeOrder, productWithStock, waitForOrder } from '../support/orders-client.js';

jest.setTimeout(120_000);

let app: AppUnderTest;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.destroy();
});

const count = (node: { children: unknown[] }): number => 1 + node.children.reduce((sum: number, child) => sum + count(child as { children: unknown[] }), 0);

describe("staff's work to do", () => {
  it('lists the orders awaiting dispatch with their shipment; dispatch and delivery join the order\'s correlation, with one root', async () => {
    const product = await productWithStock(app, 5);
    const customer = await app.newUser('customer');
    const placed = await placeOrder(app, customer, [{ productId: product.id, quantity: 1 }], { minPosition: product.position });
    expect(placed.status).toBe(201);
    const order = await waitForOrder(app, customer.token, placed.body.id, (o) => o.status === 'confirmed' && o.shipment.status === 'created');
    const staff = app.as('staff');

    const awaiting = await staff.request('GET', '/v1/orders?status=awaiting-dispatch&limit=100');
    expect(awaiting.status).toBe(200);
    expect(awaiting.body.items).toContainEqual(expect.objectContaining({ id: placed.body.id, status: 'confirmed', shipmentId: order.shipment.id }));
    expect(awaiting.body.items.every((item: { status: string }) => item.status === 'confirmed')).toBe(true);
    expect((await staff.request('GET', '/v1/orders?status=shipped&limit=100')).body.items.map((item: { id: string }) => item.id)).not.toContain(placed.body.id);
    // A customer's filter reads their own orders only.
    const own = await app.request('GET', '/v1/orders?status=confirmed', { token: customer.token });
    expect(own.body.items.map((item: { id: string }) => item.id)).toEqual([placed.body.id]);

    const dispatched = await staff.request('POST', `/v1/shipments/${order.shipment.id}/dispatch`, { body: { trackingNumber: 'DHL-00340434161094042557' } });
    expect(dispatched.status).toBe(200);
    const delivered = await staff.request('POST', `/v1/shipments/${order.shipment.id}/deliver`);
    expect(delivered.status).toBe(200);
    await waitForOrder(app, customer.token, placed.body.id, (o) => o.status === 'delivered');

    const story = await app.as('auditor').request('GET', `/v1/audit/correlations/${order.correlationId}`, { headers: { 'x-min-position': delivered.body.position } });
    expect(story.status).toBe(200);
    const types = story.body.events.map((event: { type: string }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderShipped', 'ShipmentDispatched', 'ShipmentDelivered']));
    // One cause (the customer's request): every event, staff's included, hangs under OrderPlaced.
    expect(story.body.causes).toHaveLength(1);
    const [root] = story.body.causes[0].children;
    expect(story.body.causes[0].children).toHaveLength(1);
    expect(root.type).toBe('OrderPlaced');
    expect(count(root)).toBe(story.body.events.length);
    // Who did it, and from which request, stay on the events.
    const dispatchEvent = story.body.events.find((event: { type: string }) => event.type === 'ShipmentDispatched');
    expect(dispatchEvent.metadata).toMatchObject({ actor: { userId: expect.any(String), roles: ['staff'] }, requestId: dispatched.headers.get('x-request-id') });
  });

  it('refuses a status it does not know: 400 validation_failed', async () => {
    expectProblem(await app.as('staff').request('GET', '/v1/orders?status=awaiting-payment'), 400, 'validation_failed');
  });
});

describe('a rebuild', () => {
  it('answers 202 with a Location to follow it', async () => {
    const one = await app.as('analyst').request('POST', '/v1/analytics/projections/product-details/rebuild');
    expect(one.status).toBe(202);
    expect(one.headers.get('location')).toBe('/v1/analytics/projections');
    const all = await app.as('analyst').request('POST', '/v1/analytics/projections/rebuild');
    expect(all.status).toBe(202);
    const followed = await app.as('analyst').request('GET', all.headers.get('location')!);
    expect(followed.status).toBe(200);
    expect(followed.body.items.length).toBeGreaterThan(1);
  });
});
