// End-to-end order throughput: the service in its own process (HTTP on loopback, embedded
// stores, saga, workers), customers placing orders concurrently over HTTP (tok_ok), measured
// from the first POST until every order is confirmed with its shipment created (reserve,
// authorize, confirm, capture, create shipment: about 25 events and 10 commands per order).
// `root` picks the build to measure, so `--compare <ref>` drives an older build the same way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from './http-load.js';
import { traceOrders, type OrdersTrace, type PlacedRequest } from './orders-trace.js';
import { registerProducts, staffToken, startService } from './service-client.js';

export interface OrdersBenchOptions {
  orders?: number;
  /** Orders in flight at once (concurrent HTTP clients). */
  concurrency?: number;
  customers?: number;
  /** The checkout whose dist/ is measured; this one by default. */
  root?: string;
  /** Also read back where each order's time went (orders-trace.ts). */
  trace?: boolean;
}

export interface OrdersFigures {
  ordersPerSecond: number;
  totalSeconds: number;
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The service process's CPU time per order, placing to shipment (hardly moved by the machine's load). */
  cpuMsPerOrder: number;
  /** With `trace`: per-hop latencies read back from the log. */
  trace?: OrdersTrace;
}

/** Orders spread over this many products (each order takes two). */
const PRODUCTS = 8;
const ADDRESS = { name: 'Bench', line1: '1 Load Street', postalCode: '10115', city: 'Berlin', country: 'DE' };
/** The order workload's settings, the same for every build compared. */
const ORDER_ENV = { FULFILLMENT_POLL_MS: '20' };

export async function ordersBench(options: OrdersBenchOptions = {}): Promise<OrdersFigures> {
  const orders = options.orders ?? 500;
  const concurrency = options.concurrency ?? 64;
  // The trace reads the log once the service has stopped (it holds events.db exclusively): the bench keeps the directory till then.
  const dataDir = mkdtempSync(join(tmpdir(), 'orderstream-bench-orders-'));
  const service = await startService({ ...(options.root ? { root: options.root } : {}), dataDir, env: ORDER_ENV });
  let figures: OrdersFigures;
  const placedRequests: PlacedRequest[] = [];
  try {
    const staff = await staffToken(service);
    const customers: string[] = [];
    for (let i = 0; i < (options.customers ?? 8); i++) {
      const email = `customer-${i}@bench.test`;
      await service.call('POST', '/v1/customers', undefined, { email, password: 'customer password 12345' });
      customers.push(await service.login(email, 'customer password 12345'));
    }
    const products = await registerProducts(service, staff, PRODUCTS, orders * 2);
    await new Promise((done) => setTimeout(done, 300)); // the catalogue catches up

    const cpuBefore = service.cpuMs();
    const started = performance.now();
    const latencies: number[] = [];
    const ids: string[] = [];
    let next = 0;
    const client = async () => {
      while (next < orders) {
        const i = next++;
        const t = performance.now();
        const sentAt = Date.now();
        const placed = await service.call('POST', '/v1/orders', customers[i % customers.length], {
          lines: [{ productId: products[i % products.length], quantity: 1 }, { productId: products[(i + 1) % products.length], quantity: 1 }],
          paymentToken: 'tok_ok', shippingAddress: ADDRESS,
        });
        latencies.push(performance.now() - t);
        if (placed.status !== 201) throw new Error(`POST /v1/orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
        ids.push(placed.body.id);
        placedRequests.push({ orderId: placed.body.id, sentAt, answeredAt: Date.now() });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const placedMs = performance.now() - started;
    // Done when every order is confirmed with its shipment created (the staff list shows status only).
    const pending = new Set(ids);
    const deadline = Date.now() + 300_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const id of [...pending]) {
        const order = await service.call('GET', `/v1/orders/${id}`, staff);
        if (order.body?.status === 'confirmed' && order.body.shipment?.status === 'created') pending.delete(id);
        else break; // orders finish roughly in order: wait for this one before asking about the rest
      }
      if (pending.size > 0) await new Promise((done) => setTimeout(done, 5));
    }
    if (pending.size > 0) throw new Error(`${pending.size} orders did not complete`);
    const totalMs = performance.now() - started;
    const cpuMsPerOrder = (service.cpuMs() - cpuBefore) / orders;
    latencies.sort((a, b) => a - b);
    figures = {
      ordersPerSecond: orders / (totalMs / 1000), totalSeconds: totalMs / 1000,
      acceptedPerSecond: orders / (placedMs / 1000), p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), cpuMsPerOrder,
    };
  } finally {
    await service.stop();
    if (!options.trace) rmSync(dataDir, { recursive: true, force: true });
  }
  if (!options.trace) return figures;
  try {
    return { ...figures, trace: traceOrders(dataDir, placedRequests) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
