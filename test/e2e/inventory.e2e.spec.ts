// The inventory context over real HTTP, as an API consumer uses it, including every refusal.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppUnderTest, type Requester } from '../support/app-under-test.js';

const PROBLEM = 'application/problem+json';
let app: AppUnderTest;
let skuCounter = 0;
// Inventory is the warehouse staff's work; access by role is the attack suite's subject.
const api: Requester = (method, path, options) => app.as('staff').request(method, path, options);
const newSku = () => `E2E-${process.pid}-${++skuCounter}`;

async function register(sku = newSku(), amount = 1299) {
  const answer = await api('POST', '/v1/products', { body: { sku, name: `Product ${sku}`, price: { amount, currency: 'EUR' } } });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; revision: number; position: string };
}

async function headPosition(): Promise<string | null> {
  const health = await app.as('admin').request('GET', '/health');
  return health.body.details.eventStore.headPosition;
}

function expectProblem(answer: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toContain(PROBLEM);
  expect(JSON.stringify(answer.body)).not.toMatch(/\s+at\s.+\(.+:\d+:\d+\)/); // no stack trace
}

beforeAll(async () => {
  app = await startApp({ MIN_POSITION_WAIT_MS: '300' });
});
afterAll(async () => {
  await app.destroy();
});

describe('registering products', () => {
  it('answers 201 with id, revision and position, a Location and the correlation id', async () => {
    const answer = await api('POST', '/v1/products', {
      body: { sku: 'MUG-RED', name: 'Red mug', price: { amount: 1299, currency: 'EUR' } },
      headers: { 'x-correlation-id': 'checkout-42' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    expect(answer.headers.get('location')).toBe(`/v1/products/${answer.body.id}`);
    // Namespaced by the caller (the staff user's id), so it cannot join another actor's correlation.
    expect(answer.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}:checkout-42$/);

    const product = await api('GET', `/v1/products/${answer.body.id}`, { headers: { 'x-min-position': answer.body.position } });
    expect(product.status).toBe(200);
    expect(product.body).toEqual({
      id: answer.body.id, sku: 'MUG-RED', name: 'Red mug', price: { amount: 1299, currency: 'EUR' },
      onHand: 0, reserved: 0, available: 0, revision: 0,
    });
    expect(product.headers.get('etag')).toBe('"0"');
  });

  it('refuses a second registration of a SKU with 409', async () => {
    const sku = newSku();
    await register(sku);
    expectProblem(await api('POST', '/v1/products', { body: { sku, name: 'Again', price: { amount: 1, currency: 'EUR' } } }), 409, 'sku_already_registered');
  });

  it('lets exactly one of many simultaneous registrations of a SKU win', async () => {
    const sku = newSku();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api('POST', '/v1/products', { body: { sku, name: `Racer ${i}`, price: { amount: 100 + i, currency: 'EUR' } } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.code === 'sku_already_registered')).toHaveLength(19);
  });
});

describe('stock and price', () => {
  it('receives stock, adjusts it with a reason and changes the price', async () => {
    const { id } = await register();
    const received = await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 10, reference: 'PO-1' } });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ id, revision: 1 });
    const adjusted = await api('POST', `/v1/products/${id}/stock-adjustments`, { body: { quantityChange: -3, reason: 'damaged' } });
    expect(adjusted.body).toMatchObject({ id, revision: 2 });
    const repriced = await api('PUT', `/v1/products/${id}/price`, { body: { amount: 1500, currency: 'EUR' } });
    expect(repriced.body).toMatchObject({ id, revision: 3 });

    const product = await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': repriced.body.position } });
    expect(product.body).toMatchObject({ onHand: 7, available: 7, reserved: 0, price: { amount: 1500, currency: 'EUR' }, revision: 3 });
  });

  it('never lets stock go negative', async () => {
    const { id } = await register();
    await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 2, reference: 'PO-2' } });
    expectProblem(await api('POST', `/v1/products/${id}/stock-adjustments`, { body: { quantityChange: -3, reason: 'count' } }), 409, 'insufficient_stock');
  });

  it('setting the same price records nothing', async () => {
    const { id, position } = await register(newSku(), 999);
    const same = await api('PUT', `/v1/products/${id}/price`, { body: { amount: 999, currency: 'EUR' } });
    expect(same.body).toEqual({ id, revision: 0, position });
  });

  it('answers 404 for commands and reads of an unknown product', async () => {
    const unknown = '2b1f0c3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
    expectProblem(await api('POST', `/v1/products/${unknown}/stock-receipts`, { body: { quantity: 1, reference: 'x' } }), 404, 'product_not_found');
    expectProblem(await api('GET', `/v1/products/${unknown}`), 404, 'product_not_found');
  });

  it('honours If-Match: the current revision passes, a stale one answers 412', async () => {
    const { id } = await register();
    const ok = await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 1, reference: 'a' }, headers: { 'if-match': '"0"' } });
    expect(ok.status).toBe(200);
    expectProblem(await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 1, reference: 'b' }, headers: { 'if-match': '"0"' } }), 412, 'precondition_failed');
    expectProblem(await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 1, reference: 'c' }, headers: { 'if-match': 'yesterday' } }), 400, 'invalid_if_match');
  });
});

describe('Idempotency-Key', () => {
  it('same key and body: the same answer and nothing new; different body: 409', async () => {
    const { id } = await register();
    const send = (quantity: number) =>
      api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity, reference: 'PO-9' }, headers: { 'idempotency-key': `receipt-${id}` } });
    const first = await send(5);
    const [second, third] = await Promise.all([send(5), send(5)]);
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expectProblem(await send(6), 409, 'idempotency_key_reused');

    const product = await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': first.body.position } });
    expect(product.body).toMatchObject({ onHand: 5, revision: 1 });
  });

  it('a repeated command that recorded nothing answers as the first time and changes nothing later', async () => {
    const { id } = await register(newSku(), 500);
    const setPrice = (amount: number, key: string) =>
      api('PUT', `/v1/products/${id}/price`, { body: { amount, currency: 'EUR' }, headers: { 'idempotency-key': key } });
    const unchanged = await setPrice(500, `same-${id}`);
    const changed = await setPrice(600, `up-${id}`);
    expect(changed.body.revision).toBe(1);
    expect(await setPrice(500, `same-${id}`)).toMatchObject({ status: 200, body: unchanged.body });

    const product = await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': changed.body.position } });
    expect(product.body).toMatchObject({ price: { amount: 600, currency: 'EUR' }, revision: 1 });
  });

  it('a key whose request was refused can be used again once the request is fixed', async () => {
    const { id } = await register();
    const headers = { 'idempotency-key': `fix-${id}` };
    expectProblem(await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: -1, reference: 'x' }, headers }), 400, 'validation_failed');
    expect((await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 1, reference: 'x' }, headers })).status).toBe(200);
  });
});

describe('bad input gets a 4xx problem and writes nothing', () => {
  let productId: string;
  beforeAll(async () => {
    productId = (await register()).id;
  });

  const receipts = () => `/v1/products/${productId}/stock-receipts`;
  const cases: Array<[string, () => { method: string; path: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string]> = [
    ['an unknown field', () => ({ method: 'POST', path: receipts(), body: { quantity: 1, reference: 'x', admin: true } }), 400, 'validation_failed'],
    ['a string quantity', () => ({ method: 'POST', path: receipts(), body: { quantity: '5', reference: 'x' } }), 400, 'validation_failed'],
    ['a negative quantity', () => ({ method: 'POST', path: receipts(), body: { quantity: -5, reference: 'x' } }), 400, 'validation_failed'],
    ['a fractional quantity', () => ({ method: 'POST', path: receipts(), body: { quantity: 1.5, reference: 'x' } }), 400, 'validation_failed'],
    ['a missing field', () => ({ method: 'POST', path: receipts(), body: { quantity: 1 } }), 400, 'validation_failed'],
    ['an operator object for a scalar', () => ({ method: 'POST', path: receipts(), body: { quantity: { $gt: 0 }, reference: 'x' } }), 400, 'operator_not_allowed'],
    ['an object for a scalar', () => ({ method: 'POST', path: receipts(), body: { quantity: { gt: 0 }, reference: 'x' } }), 400, 'validation_failed'],
    ['a JSON array body', () => ({ method: 'POST', path: receipts(), rawBody: '[1,2]' }), 400, 'validation_failed'],
    ['malformed JSON', () => ({ method: 'POST', path: receipts(), rawBody: '{"quantity": 1,' }), 400, 'malformed_body'],
    ['a non-JSON content type', () => ({ method: 'POST', path: receipts(), rawBody: 'quantity=1', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
    ['an oversize body', () => ({ method: 'POST', path: receipts(), body: { quantity: 1, reference: 'x'.repeat(70_000) } }), 413, 'payload_too_large'],
    ['a malformed product id', () => ({ method: 'POST', path: '/v1/products/not-a-uuid/stock-receipts', body: { quantity: 1, reference: 'x' } }), 400, 'invalid_id'],
    ['a 10 KB product id', () => ({ method: 'GET', path: `/v1/products/${'a'.repeat(10_240)}` }), 400, 'invalid_id'],
    ['a nested unknown field', () => ({ method: 'POST', path: '/v1/products', body: { sku: 'OK-1', name: 'n', price: { amount: 1, currency: 'EUR', tax: 1 } } }), 400, 'validation_failed'],
    ['a fractional price', () => ({ method: 'POST', path: '/v1/products', body: { sku: 'OK-2', name: 'n', price: { amount: 9.99, currency: 'EUR' } } }), 400, 'validation_failed'],
    ['a zero price', () => ({ method: 'PUT', path: `/v1/products/${productId}/price`, body: { amount: 0, currency: 'EUR' } }), 400, 'validation_failed'],
    ['a lowercase currency', () => ({ method: 'POST', path: '/v1/products', body: { sku: 'OK-3', name: 'n', price: { amount: 1, currency: 'eur' } } }), 400, 'validation_failed'],
    ['a malformed SKU', () => ({ method: 'POST', path: '/v1/products', body: { sku: '../etc', name: 'n', price: { amount: 1, currency: 'EUR' } } }), 400, 'validation_failed'],
    ['an adjustment of zero', () => ({ method: 'POST', path: `/v1/products/${productId}/stock-adjustments`, body: { quantityChange: 0, reason: 'r' } }), 400, 'validation_failed'],
    ['a malformed correlation id', () => ({ method: 'POST', path: receipts(), body: { quantity: 1, reference: 'x' }, headers: { 'x-correlation-id': 'a b' } }), 400, 'invalid_correlation_id'],
    ['a malformed Idempotency-Key', () => ({ method: 'POST', path: receipts(), body: { quantity: 1, reference: 'x' }, headers: { 'idempotency-key': 'x'.repeat(300) } }), 400, 'invalid_idempotency_key'],
  ];

  it.each(cases)('%s', async (_name, make, status, code) => {
    const before = await headPosition();
    const { method, path, ...options } = make();
    expectProblem(await api(method, path, options), status, code);
    expect(await headPosition()).toBe(before);
  });

  it('an unknown route answers a 404 problem', async () => {
    expectProblem(await api('GET', '/v1/nothing-here'), 404, 'not_found');
  });
});

describe('listing products', () => {
  it('pages through every product in SKU order with an opaque cursor', async () => {
    const prefix = `LIST-${process.pid}`;
    const skus = ['C', 'A', 'E', 'B', 'D'].map((s) => `${prefix}-${s}`);
    let last = '0';
    for (const sku of skus) last = (await register(sku)).position;

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api('GET', query, { headers: { 'x-min-position': last } });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { sku: string }) => item.sku));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 1000);
    const ours = seen.filter((sku) => sku.startsWith(prefix));
    expect(ours).toEqual([...skus].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen]).toEqual([...seen].sort());
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'limit=1&limit=2', 'cursor=%7B%7D', 'cursor=eyJza3UiOnsiJGd0IjoiIn19', 'sku[$ne]=x'])(
    'refuses %s with 400',
    async (query) => {
      const answer = await api('GET', `/v1/products?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain(PROBLEM);
    },
  );
});

describe('read your writes', () => {
  it('answers 503 with Retry-After when the read model cannot reach the position in time', async () => {
    const { id } = await register();
    const answer = await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': '999999999' } });
    expectProblem(answer, 503, 'projection_behind');
    expect(answer.headers.get('retry-after')).toBe('1');
  });

  it('refuses a malformed X-Min-Position', async () => {
    const { id } = await register();
    expectProblem(await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': '-1' } }), 400, 'invalid_min_position');
  });
});

describe('operations', () => {
  it('GET /health reports the stores and the subscribers', async () => {
    const health = await app.as('admin').request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.details).toMatchObject({ eventStore: { status: 'up' }, readStore: { status: 'up' }, subscriptions: { status: 'up' } });
  });

  it('GET /metrics speaks Prometheus and counts requests', async () => {
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('orderstream_http_request_duration_seconds_count');
    expect(metrics.body).toContain('orderstream_subscription_checkpoint');
  });

  it('lists subscribers and parked events for admins', async () => {
    const subscriptions = await app.as('admin').request('GET', '/v1/admin/subscriptions');
    expect(subscriptions.status).toBe(200);
    expect(subscriptions.body.items.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['product-details', 'product-list']));
    const parked = await app.as('admin').request('GET', '/v1/admin/parked-events');
    expect(parked.status).toBe(200);
    expect(parked.body.items).toEqual([]);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const docs = await app.request('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/products', '/v1/products/{id}', '/v1/products/{id}/stock-receipts']));
  });
});

describe('restart', () => {
  it('keeps every product, and the read models agree with the log', async () => {
    const { id } = await register();
    const receipt = await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 4, reference: 'PO-R' } });
    const before = await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': receipt.body.position } });
    const listBefore = await api('GET', '/v1/products?limit=100', { headers: { 'x-min-position': receipt.body.position } });
    await app.stop();

    app = await startApp({ MIN_POSITION_WAIT_MS: '300' }, app.dataDir);
    const after = await api('GET', `/v1/products/${id}`, { headers: { 'x-min-position': receipt.body.position } });
    expect(after.body).toEqual(before.body);
    const listAfter = await api('GET', '/v1/products?limit=100', { headers: { 'x-min-position': receipt.body.position } });
    expect(listAfter.body).toEqual(listBefore.body);
    // The log still accepts writes after the restart, continuing the same stream.
    const next = await api('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 1, reference: 'PO-S' } });
    expect(next.body).toMatchObject({ revision: 2 });
  });
});
