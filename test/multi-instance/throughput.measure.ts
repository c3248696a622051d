// Order throughput of one instance vs three on the EventStoreDB and MongoDB TEST DOUBLES, on this
// machine: a measurement, not a test (no assertion on time; run it by hand, see
// test/multi-instance/jest.measure.config.mjs). For 1 and then 3 instances: CLIENTS customers
// place orders (tok_ok) for SECONDS, spread over the instances; it prints the acknowledged orders
// per second and how long until every one of them is confirmed by the saga (which runs on one
// instance under its lease, however many instances there are).
import { describe, expect, it } from '@jest/globals';
import { placeOrder, productWithStock, sleep } from '../support/orders-client.js';
import { startCluster } from './cluster-under-test.js';

const CLIENTS = Number(process.env.CLIENTS ?? 32);
const SECONDS = Number(process.env.SECONDS ?? 15);
const ENV = { LEASE_TTL_MS: '7500', FULFILLMENT_POLL_MS: '50' };

async function measure(instances: number): Promise<string> {
  const cluster = await startCluster(Array.from({ length: instances }, (_, i) => `instance-${i}`), ENV, 'their own process');
  try {
    const [first] = cluster.instances;
    const products = await Promise.all(Array.from({ length: 8 }, () => productWithStock(first.app, 1_000_000)));
    const customers = await Promise.all(Array.from({ length: CLIENTS }, () => first.app.newUser('customer')));
    // Each instance signs nothing in: tokens are shared (one JWT_SECRET), so any instance takes them.
    const placed: string[] = [];
    let failed = 0;
    const until = Date.now() + SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      customers.map(async (customer, index) => {
        for (let n = 0; Date.now() < until; n++) {
          const app = cluster.instances[(index + n) % instances].app;
          const answer = await placeOrder(app, customer, [{ productId: products[(index + n) % products.length].id, quantity: 1 }]).catch(() => undefined);
          if (answer?.status === 201) placed.push(answer.body.id);
          else failed++;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    // Then until the saga has confirmed every acknowledged order.
    const confirmStart = Date.now();
    let waiting = [...placed];
    while (waiting.length > 0 && Date.now() - confirmStart < 300_000) {
      const reads = await Promise.all(waiting.slice(0, 64).map((id, i) => cluster.instances[i % instances].app.as('staff').request('GET', `/v1/orders/${id}`).catch(() => undefined)));
      const settledIds = new Set(reads.filter((r) => r?.status === 200 && r.body.status !== 'placed').map((r) => r!.body.id));
      waiting = waiting.filter((id) => !settledIds.has(id));
      if (waiting.length > 0) await sleep(200);
    }
    expect(waiting).toEqual([]);
    const drainS = (Date.now() - started) / 1000;
    return `${instances} instance(s): ${placed.length} orders acknowledged in ${elapsed.toFixed(1)} s = ${(placed.length / elapsed).toFixed(0)} orders/s (${failed} not acknowledged); all confirmed after ${drainS.toFixed(1)} s = ${(placed.length / drainS).toFixed(0)} orders/s end to end`;
  } finally {
    await cluster.stop();
  }
}

describe('order throughput on the test doubles (a measurement)', () => {
  it('one instance, then three', async () => {
    const one = await measure(1);
    console.log(one);
    const three = await measure(3);
    console.log(`${CLIENTS} clients for ${SECONDS} s, on the EventStoreDB and MongoDB test doubles on this machine:\n  ${one}\n  ${three}`);
  }, 1_200_000);
});
