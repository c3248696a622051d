// End-to-end order throughput: the whole service in this process (HTTP on loopback, embedded
// stores, saga, workers), customers placing orders concurrently over HTTP (tok_ok), measured
// from the first POST until every order is confirmed with its shipment created (reserve,
// authorize, confirm, capture, create shipment: about 25 events and 10 commands per order).
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config/app-config.js';
import { createApp } from '../src/create-app.js';
import type { Figure } from './figure.js';

export interface OrdersBenchOptions {
  orders?: number;
  /** Orders in flight at once (concurrent HTTP clients). */
  concurrency?: number;
  customers?: number;
}

const ADMIN = { email: 'bench-admin@orderstream.test', password: 'bench admin password 123' };
/** Orders spread over this many products (each order takes two). */
const PRODUCTS = 8;
const ADDRESS = { name: 'Bench', line1: '1 Load Street', postalCode: '10115', city: 'Berlin', country: 'DE' };

export async function ordersBench(options: OrdersBenchOptions = {}): Promise<Figure[]> {
  const orders = options.orders ?? 500;
  const concurrency = options.concurrency ?? 64;
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-orders-'));
  const config = loadConfig({
    DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    JWT_SECRET: 'orderstream-bench-secret-0123456789-0123456789', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER: '10000000', RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP: '10000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000', RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '100000', FULFILLMENT_POLL_MS: '20',
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (email: string, password: string) => (await call('POST', '/v1/auth/token', undefined, { email, password })).body.accessToken as string;
  try {
    const admin = await login(ADMIN.email, ADMIN.password);
    await call('POST', '/v1/admin/users', admin, { email: 'staff@bench.test', password: 'staff password 12345', roles: ['staff'] });
    const staff = await login('staff@bench.test', 'staff password 12345');
    const customers: string[] = [];
    for (let i = 0; i < (options.customers ?? 8); i++) {
      const email = `customer-${i}@bench.test`;
      await call('POST', '/v1/customers', undefined, { email, password: 'customer password 12345' });
      customers.push(await login(email, 'customer password 12345'));
    }
    const products: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) {
      const product = await call('POST', '/v1/products', staff, { sku: `BENCH-${i}`, name: `Bench ${i}`, price: { amount: 1000 + i, currency: 'EUR' } });
      await call('POST', `/v1/products/${product.body.id}/stock-receipts`, staff, { quantity: orders * 2, reference: 'PO-BENCH' });
      products.push(product.body.id);
    }
    await new Promise((done) => setTimeout(done, 300)); // the catalogue catches up

    const started = performance.now();
    const latencies: number[] = [];
    const ids: string[] = [];
    let next = 0;
    const client = async () => {
      while (next < orders) {
        const i = next++;
        const t = performance.now();
        const placed = await call('POST', '/v1/orders', customers[i % customers.length], {
          lines: [{ productId: products[i % products.length], quantity: 1 }, { productId: products[(i + 1) % products.length], quantity: 1 }],
          paymentToken: 'tok_ok', shippingAddress: ADDRESS,
        });
        latencies.push(performance.now() - t);
        if (placed.status !== 201) throw new Error(`POST /v1/orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
        ids.push(placed.body.id);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const placedMs = performance.now() - started;
    // Done when every order is confirmed with its shipment created (the staff list shows status only).
    const pending = new Set(ids);
    const deadline = Date.now() + 300_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const id of [...pending]) {
        const order = await call('GET', `/v1/orders/${id}`, staff);
        if (order.body?.status === 'confirmed' && order.body.shipment.status === 'created') pending.delete(id);
        else break; // orders finish roughly in order: wait for this one before asking about the rest
      }
      if (pending.size > 0) await new Promise((done) => setTimeout(done, 20));
    }
    if (pending.size > 0) throw new Error(`${pending.size} orders did not complete`);
    const totalMs = performance.now() - started;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return [
      { name: `orders placed and fulfilled end to end (${orders}, ${concurrency} clients)`, value: orders / (totalMs / 1000), unit: 'orders/s', note: `${(totalMs / 1000).toFixed(1)} s until all confirmed with shipment created` },
      { name: 'POST /v1/orders accepted', value: orders / (placedMs / 1000), unit: 'orders/s', note: `p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms` },
    ];
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
