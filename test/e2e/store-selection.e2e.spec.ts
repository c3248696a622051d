// The production stores are chosen by EVENTSTORE_URL / MONGODB_URL with no code change, and an
// unreachable one never sends the service back to the embedded store: it starts degraded and
// GET /health names the store that is down (the choice documented in the README).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EsdbDouble } from '../esdb-double/esdb-double.js';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';

let app: AppUnderTest | undefined;
afterEach(async () => {
  await app?.destroy();
  app = undefined;
});

describe('EVENTSTORE_URL set: the service runs on EventStoreDB (the gRPC test double here)', () => {
  let double: EsdbDouble;
  beforeAll(async () => {
    double = await EsdbDouble.start();
  });
  afterAll(() => double.stop());

  it('writes commands to it and feeds the projections from its $all subscription', async () => {
    app = await startApp({ EVENTSTORE_URL: double.connectionString });
    const staff = app.as('staff');
    const created = await staff.request('POST', '/v1/products', { body: { sku: 'ESDB-1', name: 'Mug', price: { amount: 900, currency: 'EUR' } } });
    expect(created.status).toBe(201);
    expect(double.lastPosition?.toString()).toBe(created.body.position);
    const product = await staff.request('GET', `/v1/products/${created.body.id}`, { headers: { 'x-min-position': created.body.position } });
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ sku: 'ESDB-1', revision: 0 });
    const health = await app.as('admin').request('GET', '/health');
    expect(health.body.details.eventStore).toMatchObject({ status: 'up', adapter: 'eventstoredb', target: double.connectionString });
    expect(health.body.details.readStore).toMatchObject({ status: 'up', adapter: 'embedded' });
  }, 30_000);
});

describe('a production store that does not answer', () => {
  it('starts degraded: /health answers 503 naming each store that is down, and the log says so', async () => {
    app = await startApp({
      LOG_LEVEL: 'warn',
      // No first admin: creating one needs the event store, and its start-up code does not wait for it.
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      MONGODB_URL: 'mongodb://127.0.0.1:1/orderstream?serverSelectionTimeoutMS=300&directConnection=true',
    });
    // Anyone gets the status; the details need an admin's token, and with both stores down no
    // account can be checked (nor created: there is no first admin here). The log names each store.
    const health = await app.request('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'error' });
    expect(app.output()).toMatch(/Event store eventstoredb at esdb:\/\/127\.0\.0\.1:1\?tls=false is unreachable/);
    expect(app.output()).toMatch(/Read store mongodb at mongodb:\/\/127\.0\.0\.1:1\/orderstream\S* is unreachable/);
  }, 30_000);

  it('refuses to start on a URL that is not a connection string, naming the variable', async () => {
    await expect(startApp({ EVENTSTORE_URL: 'http://localhost:2113' })).rejects.toThrow(/EVENTSTORE_URL must be a connection string/);
    await expect(startApp({ MONGODB_URL: 'localhost:27017' })).rejects.toThrow(/MONGODB_URL must be a connection string/);
  }, 30_000);
});

describe('a first admin whose ADMIN_EMAIL is no email', () => {
  // Configuration keeps ADMIN_EMAIL as text; identity checks it as the service starts.
  it('refuses to start with a plain message naming the variable', async () => {
    await expect(startApp({ ADMIN_EMAIL: 'admin', ADMIN_PASSWORD: 'long enough password' })).rejects.toThrow(/invalid configuration: ADMIN_EMAIL must be an email address/);
  }, 30_000);
});
