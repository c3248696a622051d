// The whole service on its production stores through their real drivers: EVENTSTORE_URL and
// MONGODB_URL point at the two protocol TEST DOUBLES (test/esdb-double, test/mongo-double), which
// outlive the service here the way servers do. Orders are placed, confirmed by the saga and
// queried; a projection is rebuilt blue/green into MongoDB; the service restarts on the same
// stores and carries on from its checkpoints in MongoDB.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EsdbDouble } from '../esdb-double/esdb-double.js';
import { MongoDouble } from '../mongo-double/mongo-double.js';
import { startApp, type AppUnderTest, type TestUser } from '../support/app-under-test.js';
import { placeOrder, productWithStock, waitForOrder } from '../support/orders-client.js';

let esdb: EsdbDouble;
let mongo: MongoDouble;
let app: AppUnderTest;
let env: Record<string, string>;
let customer: TestUser;

beforeAll(async () => {
  [esdb, mongo] = await Promise.all([EsdbDouble.start(), MongoDouble.start()]);
  env = { EVENTSTORE_URL: esdb.connectionString, MONGODB_URL: mongo.connectionString('orderstream_e2e'), FULFILLMENT_POLL_MS: '50', AUDIT_ANCHOR_INTERVAL_SECONDS: '0' };
  app = await startApp(env);
  customer = await app.newUser('customer');
}, 60_000);
afterAll(async () => {
  await app?.destroy();
  await mongo?.stop();
  esdb?.stop();
});

async function projection(name: string) {
  const answer = await app.as('analyst').request('GET', '/v1/analytics/projections');
  expect(answer.status).toBe(200);
  return answer.body.items.find((item: { name: string }) => item.name === name);
}

describe('the service on EventStoreDB and MongoDB (protocol test doubles)', () => {
  let orderId: string;
  let productId: string;

  it('runs on both: /health names the two production adapters', async () => {
    const health = await app.as('admin').request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.details.eventStore).toMatchObject({ status: 'up', adapter: 'eventstoredb' });
    expect(health.body.details.readStore).toMatchObject({ status: 'up', adapter: 'mongodb' });
  });

  it('places an order that the saga confirms, and answers it from the read models in MongoDB', async () => {
    const product = await productWithStock(app, 5, 1500);
    productId = product.id;
    const placed = await placeOrder(app, customer, [{ productId, quantity: 2 }], { minPosition: product.position });
    expect(placed.status).toBe(201);
    orderId = placed.body.id;
    const order = await waitForOrder(app, customer.token, orderId, (o) => o.status === 'confirmed' && o.shipment.status === 'created');
    expect(order).toMatchObject({ id: orderId, status: 'confirmed', payment: { status: 'captured' } });
    const mine = await app.request('GET', '/v1/orders?limit=10', { token: customer.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(orderId);
    const stock = await app.as('staff').request('GET', `/v1/products/${productId}`);
    expect(stock.body).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    // The documents are in the double's database, written through the driver.
    expect(mongo.engine.databases.get('orderstream_e2e')?.size).toBeGreaterThan(3);
  }, 60_000);

  it('rebuilds a projection blue/green into fresh MongoDB collections', async () => {
    const started = await app.as('analyst').request('POST', '/v1/analytics/projections/product-details/rebuild');
    expect(started.status).toBe(202);
    const deadline = Date.now() + 30_000;
    let status = await projection('product-details');
    while (status.building !== null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      status = await projection('product-details');
    }
    expect(status.serving).toMatchObject({ build: 1, collection: 'product_details_v1_b1' });
    expect(mongo.engine.collection('orderstream_e2e', 'product_details_v1_b1')).toBeDefined();
    const product = await app.as('staff').request('GET', `/v1/products/${productId}`);
    expect(product.body).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
  }, 60_000);

  it('restarts on the same stores: the read models come back from MongoDB, and new orders go through', async () => {
    await app.stop();
    app = await startApp(env, app.dataDir);
    expect((await projection('product-details')).serving).toMatchObject({ build: 1 });
    const order = await app.request('GET', `/v1/orders/${orderId}`, { token: customer.token });
    expect(order.body).toMatchObject({ id: orderId, status: 'confirmed' });
    const again = await placeOrder(app, customer, [{ productId, quantity: 1 }]);
    expect(again.status).toBe(201);
    await waitForOrder(app, customer.token, again.body.id, (o) => o.status === 'confirmed');
    const stock = await app.as('staff').request('GET', `/v1/products/${productId}`, { headers: { 'x-min-position': again.body.position } });
    expect(stock.body).toMatchObject({ onHand: 5 });
  }, 90_000);
});
