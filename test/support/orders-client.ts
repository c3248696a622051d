// Helpers for the order tests over HTTP (either tier): products with stock, customers, orders, and waiting
// (bounded, by polling) for an order to reach a state.
import type { ApiClient, HttpAnswer, TestUser } from './api-client.js';

export const ADDRESS = { name: 'Ada Lovelace', line1: '12 Analytical Row', postalCode: '10115', city: 'Berlin', country: 'DE' };
export const TERMINAL = ['confirmed', 'shipped', 'delivered', 'cancelled'] as const;

let skuCounter = 0;

export async function productWithStock(app: ApiClient, quantity: number, amount = 1000): Promise<{ id: string; position: string }> {
  const staff = app.as('staff');
  const sku = `ORD-${process.pid}-${Date.now().toString(36).toUpperCase()}-${++skuCounter}`;
  const registered = await staff.request('POST', '/v1/products', { body: { sku, name: `Product ${sku}`, price: { amount, currency: 'EUR' } } });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  let position = registered.body.position as string;
  if (quantity > 0) {
    const received = await staff.request('POST', `/v1/products/${registered.body.id}/stock-receipts`, { body: { quantity, reference: 'PO-TEST' } });
    if (received.status !== 200) throw new Error(`receipt answered ${received.status}: ${JSON.stringify(received.body)}`);
    position = received.body.position;
  }
  return { id: registered.body.id, position };
}

export function placeOrder(
  app: ApiClient,
  customer: TestUser,
  lines: { productId: string; quantity: number }[],
  options: { paymentToken?: string; minPosition?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return app.request('POST', '/v1/orders', {
    token: customer.token,
    body: { lines, paymentToken: options.paymentToken ?? 'tok_ok', shippingAddress: ADDRESS },
    headers: { ...(options.minPosition ? { 'x-min-position': options.minPosition } : {}), ...options.headers },
  });
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls GET /v1/orders/{id} until `done(order)` holds; throws with the last answer after `timeoutMs`. */
export async function waitForOrder(app: ApiClient, token: string, orderId: string, done: (order: any) => boolean, timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  let last: HttpAnswer | undefined;
  while (Date.now() < until) {
    last = await app.request('GET', `/v1/orders/${orderId}`, { token });
    if (last.status === 200 && done(last.body)) return last.body;
    await sleep(50);
  }
  throw new Error(`order ${orderId} did not get there within ${timeoutMs} ms; last answer ${last?.status}: ${JSON.stringify(last?.body)}`);
}

/** Settled: the order is terminal for the customer, and its saga holds nothing more. */
export const settled = (order: any): boolean =>
  (order.status === 'cancelled' &&
    order.lines.every((l: any) => l.reservation === 'rejected' || l.reservation === 'released') &&
    ['none', 'declined', 'voided', 'refunded'].includes(order.payment.status) &&
    ['none', 'cancelled'].includes(order.shipment.status)) ||
  (order.status === 'confirmed' && order.shipment.status === 'created') ||
  order.status === 'shipped' || order.status === 'delivered';
