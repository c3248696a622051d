// What an operator alerts on, on GET /metrics after a workload: append latency, appends per fsync,
// the saga's backlog, payment processor calls by outcome and parked events per subscriber.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { placeOrder, productWithStock, waitForOrder } from '../../test/support/orders-client.js';
import { Harness, PATIENCE_MS, uniqueName } from '../../test/support/subscription-harness.js';
import { cartProjection } from '../projection-engine/cart-projection.test-fixture.js';
import { projectionCheckpointName } from '../projection-engine/projection.js';

let api: ApiUnderTest;

beforeAll(async () => {
  // tok_error fails 50 times here, each retried with back-off, and the deadline is later still: its
  // order stays unsettled while the test looks (the worker's back-off ends when the app stops).
  api = await startApi({ TEST_GATEWAY_TRANSIENT_FAILURES: '50', PAYMENT_GATEWAY_ATTEMPTS: '50', PAYMENT_DEADLINE_MS: '600000' });
});
afterAll(async () => {
  await api?.destroy();
});

/** The samples of `name` on /metrics: labels (as written) -> value. */
async function samples(name: string): Promise<Map<string, number>> {
  const answer = await api.request('GET', '/metrics');
  expect(answer.status).toBe(200);
  const found = new Map<string, number>();
  for (const line of String(answer.body).split('\n')) {
    const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match && match[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

describe('operator metrics after a workload', () => {
  it('count appends, fsyncs, processor calls by outcome, and the orders the saga has not settled', async () => {
    const customer = await api.newUser('customer');
    const product = await productWithStock(api, 10);
    const order = async (paymentToken: string) => {
      const answer = await placeOrder(api, customer, [{ productId: product.id, quantity: 1 }], { paymentToken, minPosition: product.position });
      expect(answer.status).toBe(201);
      return answer.body.id as string;
    };
    await waitForOrder(api, customer.token, await order('tok_ok'), (o) => o.status === 'confirmed');
    await waitForOrder(api, customer.token, await order('tok_declined'), (o) => o.status === 'cancelled');
    const failing = await order('tok_error');
    await waitForOrder(api, customer.token, failing, (o) => o.payment.status === 'requested');
    for (let tries = 0; tries < 100 && !((await samples('orderstream_payment_gateway_calls_total')).get('{operation="authorize",outcome="unavailable"}')! >= 1); tries++) {
      await new Promise((done) => setTimeout(done, 50));
    }

    const appends = await samples('orderstream_eventstore_append_duration_seconds_count');
    expect(appends.get('')).toBeGreaterThanOrEqual(10);
    const fsyncs = (await samples('orderstream_eventstore_appends_per_fsync_count')).get('')!;
    const appended = (await samples('orderstream_eventstore_appends_per_fsync_sum')).get('')!;
    expect(fsyncs).toBeGreaterThan(0);
    // Every append the commands made is in some fsynced transaction (the bootstrap's too).
    expect(appended).toBeGreaterThanOrEqual(appends.get('')!);
    expect(appended).toBeGreaterThanOrEqual(fsyncs);

    const calls = await samples('orderstream_payment_gateway_calls_total');
    expect(calls.get('{operation="authorize",outcome="authorized"}')).toBeGreaterThanOrEqual(1);
    expect(calls.get('{operation="authorize",outcome="declined"}')).toBeGreaterThanOrEqual(1);
    expect(calls.get('{operation="capture",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(calls.get('{operation="authorize",outcome="unavailable"}')).toBeGreaterThanOrEqual(1);

    // The failing one is the only order still placed; the backlog says so.
    const placed = await api.as('staff').request('GET', '/v1/orders?limit=100');
    const unsettled = (placed.body.items as { status: string }[]).filter((item) => item.status === 'placed').length;
    expect(unsettled).toBe(1);
    expect((await samples('orderstream_saga_backlog_orders')).get('')).toBe(unsettled);
    expect((await samples('orderstream_saga_backlog_oldest_age_seconds')).get('')).toBeGreaterThanOrEqual(0);

    // The dashboard and the alert rules in docs/monitoring use only metrics the service exports.
    const exported = new Set(String((await api.request('GET', '/metrics')).body).split('\n').map((line) => /^(\w+)/.exec(line)?.[1]).filter(Boolean));
    for (const file of ['grafana-dashboard.json', 'alerts.yml']) {
      const used = new Set(readFileSync(join('docs/monitoring', file), 'utf8').match(/orderstream_\w+/g));
      expect({ file, unknown: [...used].filter((name) => !exported.has(name)) }).toEqual({ file, unknown: [] });
    }

    // Every subscriber reports its parked events (none here).
    const parked = await samples('orderstream_subscription_parked_events');
    expect(parked.get('{subscriber="order-details@v1"}')).toBe(0);
    expect([...parked.values()].every((value) => value === 0)).toBe(true);
  });
});

describe('parked events per subscriber', () => {
  it('shows a parked event under its subscriber, read from the store at the scrape', async () => {
    const harness = await Harness.create();
    try {
      const carts = cartProjection({ name: uniqueName('carts'), throwOn: (event) => (event.data as { sku?: string }).sku === 'POISON' });
      await harness.append('CartOpened', { cartId: 'a' });
      await harness.append('ItemAdded', { cartId: 'a', sku: 'POISON', quantity: 1 });
      const runner = harness.runner({ projections: [carts] });
      runner.start();
      expect(await runner.waitForPosition([carts.name], 2n, PATIENCE_MS)).toBe(true);
      const parked = await samples('orderstream_subscription_parked_events');
      expect(parked.get(`{subscriber="${projectionCheckpointName(carts)}"}`)).toBe(1);
    } finally {
      await harness.cleanup();
    }
  });
});
