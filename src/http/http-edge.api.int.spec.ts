// The HTTP edge against hostile input, in process (createApp + inject): bodies nested deeper than
// any request of ours, positions beyond what the log can hold, correlation ids chosen by a client,
// and what caches may keep. Socket-level limits (timeouts, connection cap, draining on SIGTERM)
// are in test/e2e/http-edge.e2e.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';

let api: ApiUnderTest;

beforeAll(async () => {
  api = await startApi({ MAX_BODY_DEPTH: '32' });
});
afterAll(async () => {
  await api?.destroy();
});

/** `{"a":{"a":...}}` (or `[[...]]`) nested `depth` levels deep. */
const nested = (depth: number, open = '{"a":', close = '}') => `${open.repeat(depth)}1${close.repeat(depth)}`;

describe('a body nested deeper than MAX_BODY_DEPTH', () => {
  it.each([
    ['POST', '/v1/auth/token', false],
    ['POST', '/v1/customers', false],
    ['POST', '/v1/products', true],
    ['POST', '/v1/orders', true],
  ])('%s %s answers 400 body_too_deep before validation', async (method, path, signedIn) => {
    const token = signedIn ? await api.tokenFor(path === '/v1/orders' ? 'customer' : 'staff') : undefined;
    for (const rawBody of [nested(2000), nested(2000, '[', ']'), `{"email":${nested(40)}}`]) {
      const answer = await api.request(method, path, { rawBody, ...(token === undefined ? {} : { token }) });

      expectProblem(answer, 400, 'body_too_deep');
    }
  });

  it('a body exactly at the bound reaches validation as usual (400 validation_failed, not body_too_deep)', async () => {
    // depth 32: the outer object plus 31 nested levels under "email"
    const answer = await api.request('POST', '/v1/auth/token', { rawBody: `{"email":${nested(31)},"password":"x"}` });

    expectProblem(answer, 400, 'validation_failed');
  });

  it('brackets inside strings are text, not nesting', async () => {
    const answer = await api.request('POST', '/v1/auth/token', { rawBody: JSON.stringify({ email: '['.repeat(5000), password: '{'.repeat(100) }) });

    expect(answer.body.code).not.toBe('body_too_deep');
    expect(answer.status).toBe(400);
  });

  it('a deeply bracketed query string is refused as a query, never a 500', async () => {
    const key = `a${'[b]'.repeat(500)}`;
    const answer = await api.as('staff').request('GET', `/v1/products?${encodeURI(key)}=1`);

    expectProblem(answer, 400, 'validation_failed');
  });
});

describe('a position beyond the log (more than 2^63-1) is refused with 400, never a 500', () => {
  const beyond = ['9223372036854775808', '9223372036854775809', '9999999999999999999', '18446744073709551617'];
  const cursor = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');

  it.each(beyond)('GET /v1/audit/export/manifest?fromPosition=%s and ?toPosition=', async (position) => {
    for (const name of ['fromPosition', 'toPosition']) {
      expectProblem(await api.as('auditor').request('GET', `/v1/audit/export/manifest?${name}=${position}`), 400, 'validation_failed');
      expectProblem(await api.as('auditor').request('GET', `/v1/audit/export/events?${name}=${position}`), 400, 'validation_failed');
    }
  });

  it.each(beyond)('POST /v1/analytics/replays with fromPosition/toPosition %s', async (position) => {
    for (const name of ['fromPosition', 'toPosition']) {
      const answer = await api.as('analyst').request('POST', '/v1/analytics/replays', { body: { projection: 'product-details', [name]: position } });

      expectProblem(answer, 400, 'validation_failed');
    }
  });

  it.each(beyond)('X-Min-Position: %s', async (position) => {
    expectProblem(await api.as('staff').request('GET', '/v1/products', { headers: { 'x-min-position': position } }), 400, 'invalid_min_position');
  });

  it.each(beyond)('an audit-reads cursor at position %s', async (position) => {
    expectProblem(await api.as('admin').request('GET', `/v1/admin/audit-reads?cursor=${cursor({ position })}`), 400, 'invalid_cursor');
  });

  it.each(['abc', '-1', '1e400', '99999999999999999999'])('an orders cursor at position %s', async (p) => {
    expectProblem(await api.as('staff').request('GET', `/v1/orders?cursor=${cursor({ p })}`), 400, 'invalid_cursor');
  });

  it('the largest position is a valid one: the export reaches the head', async () => {
    const answer = await api.as('auditor').request('GET', '/v1/audit/export/manifest?toPosition=9223372036854775807');

    expect(answer.status).toBe(200);
  });
});

describe('answers with personal or audit data are not kept by caches', () => {
  it('every signed-in GET route answers Cache-Control: no-store, audit and export routes included', async () => {
    const inventory = await api.as('admin').request('GET', '/v1/admin/access-control');
    const routes = (inventory.body.routes as Array<{ method: string; path: string; access: string }>)
      .filter((route) => route.method === 'GET' && route.access !== 'public');
    expect(routes.map((route) => route.path)).toEqual(expect.arrayContaining(['/v1/audit/streams/:streamId', '/v1/audit/export/events', '/v1/audit/export/manifest']));
    const missing: string[] = [];
    for (const { path } of routes) {
      const answer = await api.as('admin').request('GET', path.replace(/:[A-Za-z]+/g, 'product-00000000-0000-4000-8000-000000000000'));
      if (answer.headers.get('cache-control') !== 'no-store') missing.push(`${path} (${answer.status}: ${answer.headers.get('cache-control')})`);
    }

    expect(missing).toEqual([]);
  });
});

describe('a correlation id chosen by a client', () => {
  const product = (sku: string) => ({ sku, name: 'Correlated lamp', price: { amount: 1500, currency: 'EUR' } });
  const recordedCorrelation = async (productId: string) =>
    (await api.as('auditor').request('GET', `/v1/audit/streams/product-${productId}`)).body.items[0].metadata.correlationId as string;

  it("is namespaced by the signed-in caller, so nobody can write into another actor's correlation", async () => {
    const staff = await api.newUser('staff');
    const bootstraps = 'admin-bootstrap-00000000-0000-4000-8000-000000000000';
    const answer = await api.request('POST', '/v1/products', { token: staff.token, body: product(`CORR-${process.pid}-1`), headers: { 'x-correlation-id': bootstraps } });

    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-correlation-id')).toBe(`${staff.id}:${bootstraps}`);
    expect(await recordedCorrelation(answer.body.id)).toBe(`${staff.id}:${bootstraps}`);
    // The caller's own requests still share one correlation, found by the id the answer named.
    const correlation = await api.as('auditor').request('GET', `/v1/audit/correlations/${encodeURIComponent(answer.headers.get('x-correlation-id')!)}`);
    expect(correlation.status).toBe(200);
  });

  it('is replaced by one the server issues for an anonymous caller', async () => {
    const answer = await api.request('POST', '/v1/customers', { body: { email: `corr-${process.pid}@orderstream.test`, password: 'a password long enough' }, headers: { 'x-correlation-id': 'chosen-by-anyone' } });

    expect(answer.status).toBe(201);
    const issued = answer.headers.get('x-correlation-id');
    expect(issued).toMatch(/^[0-9a-f-]{36}$/);
    const history = await api.as('auditor').request('GET', `/v1/audit/streams/user-${answer.body.id}`);
    expect(history.body.items[0].metadata.correlationId).toBe(issued);
  });

  it('without one, the server issues it and names it in the answer', async () => {
    const answer = await api.as('staff').request('POST', '/v1/products', { body: product(`CORR-${process.pid}-2`) });

    expect(answer.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await recordedCorrelation(answer.body.id)).toBe(answer.headers.get('x-correlation-id'));
  });
});

describe('health for anonymous callers and for admins', () => {
  const paths = ['/health', '/health/live', '/health/ready'];

  it.each(paths)('anonymous GET %s answers the status only: no paths, adapters or store errors', async (path) => {
    const answer = await api.request('GET', path);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
    expect(JSON.stringify(answer.body)).not.toContain(api.dataDir);
  });

  it.each(paths)('a signed-in user who is not an admin, or a token that is not valid, gets the status only from %s', async (path) => {
    for (const token of [await api.tokenFor('auditor'), 'not-a-token']) {
      const answer = await api.request('GET', path, { token });

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'ok' });
    }
  });

  it('an admin gets the details: each store and each subscriber', async () => {
    const answer = await api.as('admin').request('GET', '/health');

    expect(answer.status).toBe(200);
    expect(answer.body.details).toMatchObject({ eventStore: { status: 'up', adapter: 'sqlite' }, readStore: { status: 'up' }, subscriptions: { status: 'up' } });
  });

  it('an admin reads readiness in detail: the stores', async () => {
    const answer = await api.as('admin').request('GET', '/health/ready');

    expect(answer.status).toBe(200);
    expect(answer.body.details).toMatchObject({ eventStore: { status: 'up' }, readStore: { status: 'up' } });
  });
});
