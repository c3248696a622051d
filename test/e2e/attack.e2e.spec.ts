// The attack suite: the built service over real HTTP, probed the way an attacker would.
// - tokens that must not be accepted (none, malformed, alg none, HS256 signed with a public key,
//   expired, no exp, wrong iss/aud, nbf ahead, foreign signature, tampered) -> 401, and the
//   clock skew that must be tolerated -> accepted;
// - every route of the running service against every role, as the permission table says
//   (routes are listed by the service itself, so a new route is covered without editing this);
// - one customer on another customer's order -> 404;
// - injection payloads -> 400 with nothing written;
// - rate limits (login, commands per user and per IP) -> 429 with Retry-After, not reset by a
//   spoofed X-Forwarded-For unless a trusted proxy is configured; oversize bodies -> 413;
// - response headers, CORS, bounded pages, start-up refusals in production, and JWKS mode.
// No answer anywhere may be a 5xx.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { PERMISSIONS } from '../../src/access/permissions.js';
import { ROLES, type Role } from '../../src/access/roles.js';
import { TEST_ADMIN, TEST_JWT_SECRET, startApp, type AppUnderTest, type HttpAnswer, type RequestOptions, type TestUser } from '../support/app-under-test.js';

// Services start as real processes and every login costs a deliberately slow password hash.
jest.setTimeout(60_000);

const PROBLEM = 'application/problem+json';
const ISSUER = 'orderstream';
const AUDIENCE = 'orderstream';
// The production defaults, stated here so the suite tests them even if TEST_ENV raises them.
const PRODUCTION_LIMITS = {
  RATE_LIMIT_LOGIN_PER_MINUTE: '10',
  RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '60',
  RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER: '300',
  RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP: '1200',
};

const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT built by hand, so that any header and any claims can be sent (HS256 over `secret`). */
function forge(claims: Record<string, unknown>, { secret = TEST_JWT_SECRET as string | Buffer, header = { alg: 'HS256', typ: 'JWT' } as Record<string, unknown> } = {}): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function expectProblem(answer: HttpAnswer, status: number, code?: string) {
  expect({ status: answer.status, ...(code === undefined ? {} : { code: answer.body?.code }) }).toEqual({ status, ...(code === undefined ? {} : { code }) });
  expect(answer.headers.get('content-type')).toContain(PROBLEM);
  expect(JSON.stringify(answer.body)).not.toMatch(/\s+at\s.+\(.+:\d+:\d+\)/);
}

async function headPosition(target: AppUnderTest): Promise<string | null> {
  return (await target.as('admin').request('GET', '/health')).body.details.eventStore.headPosition;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;

let app: AppUnderTest;
let admin: { id: string; token: string };
let product: { id: string; position: string };

beforeAll(async () => {
  // No periodic audit anchors and no orders here: nothing writes in the background, so the head
  // of the log shows whether a request wrote anything. (Orders have their own service below.)
  app = await startApp({ ...PRODUCTION_LIMITS, CORS_ORIGINS: 'https://shop.example.com', AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  const token = await app.tokenFor('admin');
  admin = { id: (await app.request('GET', '/v1/users/me', { token })).body.id, token };
  const registered = await app.as('staff').request('POST', '/v1/products', { body: { sku: `ATTACK-${process.pid}`, name: 'Target', price: { amount: 500, currency: 'EUR' } } });
  expect(registered.status).toBe(201);
  const received = await app.as('staff').request('POST', `/v1/products/${registered.body.id}/stock-receipts`, { body: { quantity: 50, reference: 'PO-A' } });
  product = { id: registered.body.id, position: received.body.position };
});

afterAll(async () => {
  await app?.destroy();
});

describe('tokens that must be refused answer 401', () => {
  const valid = () => ({ sub: admin.id, roles: ['admin'], iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300 });
  const omit = (claims: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(claims).filter(([k]) => k !== key));

  const cases: Array<[string, () => Record<string, string>]> = [
    ['no token', () => ({})],
    ['an empty bearer', () => ({ authorization: 'Bearer ' })],
    ['a malformed token', () => ({ authorization: 'Bearer not-a-jwt' })],
    ['three segments of garbage', () => ({ authorization: 'Bearer aaa.bbb.ccc' })],
    ['another scheme', () => ({ authorization: `Basic ${Buffer.from(`${TEST_ADMIN.email}:${TEST_ADMIN.password}`).toString('base64')}` })],
    ['alg none', () => ({ authorization: `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(valid())}.` })],
    ['alg None with a signature', () => ({ authorization: `Bearer ${forge(valid(), { header: { alg: 'None', typ: 'JWT' } })}` })],
    ['HS256 signed with a public key', () => ({ authorization: `Bearer ${forge(valid(), { secret: publicPem })}` })],
    ['RS256 signed with a foreign key', () => ({ authorization: `Bearer ${jwt.sign(valid(), rsa.privateKey, { algorithm: 'RS256' })}` })],
    ['HS256 signed with another secret', () => ({ authorization: `Bearer ${forge(valid(), { secret: 'another secret that is at least 32 bytes long' })}` })],
    ['HS512 with the right secret (algorithm not pinned)', () => ({ authorization: `Bearer ${jwt.sign(valid(), TEST_JWT_SECRET, { algorithm: 'HS512' })}` })],
    ['an expired token', () => ({ authorization: `Bearer ${forge({ ...valid(), iat: now() - 7200, exp: now() - 3600 })}` })],
    ['a token with no exp', () => ({ authorization: `Bearer ${forge(omit(valid(), 'exp'))}` })],
    ['a token with a string exp', () => ({ authorization: `Bearer ${forge({ ...valid(), exp: String(now() + 300) })}` })],
    ['a wrong issuer', () => ({ authorization: `Bearer ${forge({ ...valid(), iss: 'https://evil.example' })}` })],
    ['no issuer', () => ({ authorization: `Bearer ${forge(omit(valid(), 'iss'))}` })],
    ['a wrong audience', () => ({ authorization: `Bearer ${forge({ ...valid(), aud: 'another-service' })}` })],
    ['nbf in the future', () => ({ authorization: `Bearer ${forge({ ...valid(), nbf: now() + 3600 })}` })],
    ['a subject that is no user', () => ({ authorization: `Bearer ${forge({ ...valid(), sub: randomUUID() })}` })],
    ['no subject', () => ({ authorization: `Bearer ${forge(omit(valid(), 'sub'))}` })],
    ['a real token with its payload swapped', () => {
      const [header, , signature] = forge(valid()).split('.');
      return { authorization: `Bearer ${header}.${b64url({ ...valid(), roles: ['admin', 'staff'] })}.${signature}` };
    }],
  ];

  it.each(cases)('%s', async (_name, headers) => {
    const before = await headPosition(app);
    const read = await app.request('GET', '/v1/products', { headers: headers() });
    expectProblem(read, 401);
    expect(read.headers.get('www-authenticate')).toMatch(/^Bearer realm="orderstream"/);
    const write = await app.request('POST', `/v1/products/${product.id}/stock-receipts`, { body: { quantity: 1, reference: 'x' }, headers: headers() });
    expectProblem(write, 401);
    expect(await headPosition(app)).toBe(before);
  });

  it('control: a token built the same way with every claim right is accepted', async () => {
    const answer = await app.request('GET', '/v1/users/me', { token: forge(valid()) });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: admin.id, roles: ['admin'] });
  });

  it('tolerates a small clock skew: just expired, or not valid for a few more seconds', async () => {
    expect((await app.request('GET', '/v1/users/me', { token: forge({ ...valid(), exp: now() - 10 }) })).status).toBe(200);
    expect((await app.request('GET', '/v1/users/me', { token: forge({ ...valid(), nbf: now() + 10 }) })).status).toBe(200);
  });

  it('a token never grants more than the account holds: a customer token claiming admin gets 403', async () => {
    const customer = await app.newUser('customer');
    const escalated = forge({ ...valid(), sub: customer.id, roles: ['customer', 'admin', 'staff'] });
    expectProblem(await app.request('GET', '/v1/admin/users', { token: escalated }), 403, 'forbidden');
    expectProblem(await app.request('POST', '/v1/products', { token: escalated, body: { sku: 'ESC-1', name: 'x', price: { amount: 1, currency: 'EUR' } } }), 403, 'forbidden');
    expect((await app.request('GET', '/v1/users/me', { token: escalated })).body.roles).toEqual(['customer']);
  });

  it('issued tokens are HS256, short-lived and carry sub, roles, iat, exp, iss and aud', async () => {
    const [header, payload] = (await app.tokenFor('staff')).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part!, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: expect.stringMatching(/^[0-9a-f-]{36}$/), roles: ['staff'], iss: ISSUER, aud: AUDIENCE });
    expect(payload.exp - payload.iat).toBe(900);
  });
});

describe('every route against every role, as the permission table says', () => {
  interface RouteAccess {
    method: string;
    path: string;
    access: string | null;
    roles: Role[] | 'anyone';
  }
  let routes: RouteAccess[];
  let outside: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    const view = await app.as('admin').request('GET', '/v1/admin/access-control');
    expect(view.status).toBe(200);
    routes = view.body.routes;
    outside = view.body.routesOutsideGuards;
  });

  it('the service serves the permission table of src/identity/permissions.ts', async () => {
    const view = await app.as('auditor').request('GET', '/v1/admin/access-control');
    expect(view.body.permissions).toEqual(PERMISSIONS);
    expect(view.body.roles).toEqual(ROLES);
  });

  it('every route declares a permission from the table, or is public', () => {
    expect(routes.length).toBeGreaterThan(15);
    const undeclared = routes.filter((route) => route.access === null).map((route) => `${route.method} ${route.path}`);
    expect(undeclared).toEqual([]);
    const unknown = routes.filter((route) => route.access !== 'public' && route.access !== null && !Object.hasOwn(PERMISSIONS, route.access));
    expect(unknown).toEqual([]);
  });

  it('public routes are exactly the ones meant to be', () => {
    const publicRoutes = routes.filter((route) => route.access === 'public').map((route) => `${route.method} ${route.path}`).sort();
    // The three health routes answer anyone the status only; their details need an admin's token.
    // The audit console's page and its scripts hold no data: every screen asks the API with the user's token.
    expect(publicRoutes).toEqual(['GET /console', 'GET /console/assets/:file', 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics', 'POST /v1/auth/token', 'POST /v1/customers']);
  });

  it('nothing is served outside the guards but the OpenAPI document and UI (public by design)', async () => {
    expect(outside.length).toBeGreaterThan(0);
    const stray = outside.filter((route) => !/^\/docs(-json|-yaml|\/.*)?$/.test(route.path) && !(route.method === 'OPTIONS' && route.path === '*'));
    expect(stray).toEqual([]);
    expect((await app.request('GET', '/docs-json')).status).toBe(200);
  });

  const callers: Array<Role | 'anonymous'> = ['anonymous', ...ROLES];

  // One test per caller; each walks every route the service reports and collects every answer
  // that is not what the table says, so a failure lists all mismatches at once.
  it.each(callers)('as %s, every route answers as the table says', async (caller) => {
    const token = caller === 'anonymous' ? undefined : await app.tokenFor(caller);
    const mismatches: string[] = [];
    for (const route of routes) {
      // A stream id of a declared kind (products): which roles may read which kind of log data is
      // the log read policy's, tested in src/audit/log-read-access.api.int.spec.ts.
      const path = route.path.replace(/:role\b/g, 'analyst').replace(/:streamId\b/g, () => `product-${randomUUID()}`).replace(/:[A-Za-z]+/g, () => randomUUID());
      const options: RequestOptions = { ...(token === undefined ? {} : { token }), ...(route.method === 'GET' ? {} : { body: {} }) };
      const answer = await app.request(route.method, path, options);
      const allowed = route.roles === 'anyone' || (caller !== 'anonymous' && route.roles.includes(caller));
      const expected = allowed ? 'served (not 401/403)' : caller === 'anonymous' ? '401' : '403 forbidden';
      const ok = answer.status < 500 && (allowed
        ? answer.status !== 401 && answer.status !== 403
        : caller === 'anonymous' ? answer.status === 401 : answer.status === 403 && answer.body?.code === 'forbidden');
      if (!ok) mismatches.push(`${route.method} ${route.path} (${route.access}): expected ${expected}, got ${answer.status} ${answer.body?.code ?? ''}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('customers reach only their own orders', () => {
  // A service of its own: the fulfillment saga of B's order writes in the background.
  let shop: AppUnderTest;
  let a: TestUser;
  let b: TestUser;
  let orderOfB: string;

  beforeAll(async () => {
    shop = await startApp();
    const registered = await shop.as('staff').request('POST', '/v1/products', { body: { sku: 'OWN-1', name: 'Owned', price: { amount: 700, currency: 'EUR' } } });
    const received = await shop.as('staff').request('POST', `/v1/products/${registered.body.id}/stock-receipts`, { body: { quantity: 5, reference: 'PO-O' } });
    [a, b] = [await shop.newUser('customer'), await shop.newUser('customer')];
    const placed = await shop.request('POST', '/v1/orders', {
      token: b.token,
      headers: { 'x-min-position': received.body.position },
      body: {
        lines: [{ productId: registered.body.id, quantity: 1 }],
        paymentToken: 'tok_ok',
        shippingAddress: { name: 'B', line1: '1 Road', postalCode: '10115', city: 'Berlin', country: 'DE' },
      },
    });
    expect(placed.status).toBe(201);
    orderOfB = placed.body.id;
    // The owner reads it once the read model has it; from then on a 404 for A cannot be lag.
    const own = await shop.request('GET', `/v1/orders/${orderOfB}`, { token: b.token, headers: { 'x-min-position': placed.body.position } });
    expect(own.status).toBe(200);
  });
  afterAll(async () => {
    await shop?.destroy();
  });

  it("A reading B's order gets 404, exactly as for an order that does not exist", async () => {
    const others = await shop.request('GET', `/v1/orders/${orderOfB}`, { token: a.token });
    const missing = await shop.request('GET', `/v1/orders/${randomUUID()}`, { token: a.token });
    expectProblem(others, 404);
    const shape = (answer: HttpAnswer) => ({ status: answer.status, code: answer.body.code, title: answer.body.title });
    expect(shape(others)).toEqual(shape(missing));
  });

  it("A cancelling B's order gets 404 and the order is not cancelled", async () => {
    expectProblem(await shop.request('POST', `/v1/orders/${orderOfB}/cancel`, { token: a.token }), 404);
    const head = await headPosition(shop);
    const order = await shop.request('GET', `/v1/orders/${orderOfB}`, { token: b.token, headers: { 'x-min-position': head ?? '0' } });
    expect(order.status).toBe(200);
    expect(order.body.status).not.toBe('cancelled');
    expect(order.body.cancellationReason ?? null).toBeNull();
  });

  it("A's list holds none of B's orders; B's does; staff read any order", async () => {
    const listOfA = await shop.request('GET', '/v1/orders', { token: a.token });
    expect(listOfA.status).toBe(200);
    expect(listOfA.body.items.map((order: { id: string }) => order.id)).not.toContain(orderOfB);
    const listOfB = await shop.request('GET', '/v1/orders', { token: b.token });
    expect(listOfB.body.items.map((order: { id: string }) => order.id)).toContain(orderOfB);
    expect((await shop.as('staff').request('GET', `/v1/orders/${orderOfB}`)).status).toBe(200);
  });
});

describe('injection payloads answer 400 and write nothing', () => {
  const cases: Array<[string, () => { method: string; path: string; body?: unknown; rawBody?: string; role?: Role }]> = [
    ['{"$gt": ""} as the login email', () => ({ method: 'POST', path: '/v1/auth/token', body: { email: { $gt: '' }, password: 'whatever' } })],
    ['{"$ne": null} as the login password', () => ({ method: 'POST', path: '/v1/auth/token', body: { email: TEST_ADMIN.email, password: { $ne: null } } })],
    ['an object (no $) as the login password', () => ({ method: 'POST', path: '/v1/auth/token', body: { email: TEST_ADMIN.email, password: { length: 20 } } })],
    ['{"$gt": ""} as a registration email', () => ({ method: 'POST', path: '/v1/customers', body: { email: { $gt: '' }, password: 'long enough password' } })],
    ['status[$ne]=x in a query string', () => ({ method: 'GET', path: '/v1/products?status[$ne]=x', role: 'staff' })],
    ['email[$regex]=.* on the users list', () => ({ method: 'GET', path: '/v1/admin/users?email[$regex]=.*', role: 'admin' })],
    ['$where in a query string', () => ({ method: 'GET', path: '/v1/products?$where=sleep(1000)', role: 'staff' })],
    ['$where in a body', () => ({ method: 'POST', path: '/v1/products', body: { sku: 'W-1', name: 'n', price: { amount: 1, currency: 'EUR' }, $where: 'sleep(1000)' }, role: 'staff' })],
    ['a nested $where', () => ({ method: 'POST', path: '/v1/products', body: { sku: 'W-2', name: { $where: 'this.sku' }, price: { amount: 1, currency: 'EUR' } }, role: 'staff' })],
    ['an operator in a role list', () => ({ method: 'POST', path: '/v1/admin/users', body: { email: 'op@orderstream.test', password: 'long enough password', roles: [{ $gt: '' }] }, role: 'admin' })],
    ['a string where the role list goes', () => ({ method: 'POST', path: '/v1/admin/users', body: { email: 'op@orderstream.test', password: 'long enough password', roles: 'admin' }, role: 'admin' })],
    ['a cursor that decodes to an operator', () => ({ method: 'GET', path: `/v1/admin/users?cursor=${Buffer.from('{"email":{"$gt":""}}').toString('base64url')}`, role: 'admin' })],
    ['a 10 KB id in a query (cursor)', () => ({ method: 'GET', path: `/v1/products?cursor=${'a'.repeat(10_240)}`, role: 'staff' })],
    ['a 10 KB id in a body (product id of an order line)', () => ({
      method: 'POST', path: '/v1/orders', role: 'customer',
      body: { lines: [{ productId: 'a'.repeat(10_240), quantity: 1 }], paymentToken: 'tok_ok', shippingAddress: { name: 'A', line1: '1', postalCode: '1', city: 'C', country: 'DE' } },
    })],
    ['a 10 KB login email', () => ({ method: 'POST', path: '/v1/auth/token', body: { email: `${'a'.repeat(10_240)}@orderstream.test`, password: 'whatever' } })],
    ['"../" as an id in the path', () => ({ method: 'GET', path: '/v1/admin/users/..%2F..%2Fetc%2Fpasswd', role: 'admin' })],
    ['"../" as a role in the path', () => ({ method: 'DELETE', path: `/v1/admin/users/${randomUUID()}/roles/..%2Fadmin`, role: 'admin' })],
    ['"../" as a SKU', () => ({ method: 'POST', path: '/v1/products', body: { sku: '../../etc', name: 'n', price: { amount: 1, currency: 'EUR' } }, role: 'staff' })],
    ['a __proto__ key', () => ({ method: 'POST', path: '/v1/customers', rawBody: '{"email":"p@orderstream.test","password":"long enough password","__proto__":{"roles":["admin"]}}' })],
    ['a constructor.prototype key', () => ({ method: 'POST', path: '/v1/customers', rawBody: '{"email":"p@orderstream.test","password":"long enough password","constructor":{"prototype":{"roles":["admin"]}}}' })],
    ['a role outside the table', () => ({ method: 'POST', path: '/v1/admin/users', body: { email: 'root@orderstream.test', password: 'long enough password', roles: ['root'] }, role: 'admin' })],
    ['an extra field asking for a role at self-registration', () => ({ method: 'POST', path: '/v1/customers', body: { email: 'sneaky@orderstream.test', password: 'long enough password', roles: ['admin'] } })],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const { method, path, role, ...options } = make();
    const before = await headPosition(app);
    const answer = role === undefined ? await app.request(method, path, options) : await app.as(role).request(method, path, options);
    expectProblem(answer, 400);
    expect(await headPosition(app)).toBe(before);
  });

  it('a 10 KB id in the path is refused before routing (400) and writes nothing', async () => {
    const before = await headPosition(app);
    expectProblem(await app.as('admin').request('POST', `/v1/admin/users/${'a'.repeat(10_240)}/disable`, { body: { reason: 'x' } }), 400, 'invalid_id');
    expect(await headPosition(app)).toBe(before);
  });
});

describe('rate limits and body size', () => {
  it('the 11th login within a minute answers 429 with Retry-After, and a spoofed X-Forwarded-For does not reset it', async () => {
    const user = { email: `eleven-${process.pid}@orderstream.test`, password: 'the right password, eleven times' };
    expect((await app.request('POST', '/v1/customers', { body: user })).status).toBe(201);
    const answers: HttpAnswer[] = [];
    for (let i = 0; i < 11; i++) {
      // Without TRUST_PROXY the header is the client's to invent: each attempt claims another address.
      answers.push(await app.request('POST', '/v1/auth/token', { body: { email: user.email, password: user.password }, headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } }));
    }
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    expectProblem(answers[10]!, 429, 'rate_limited');
    expect(Number(answers[10]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The same password again, from the same (real) address: still refused, before any hashing.
    expectProblem(await app.request('POST', '/v1/auth/token', { body: { email: user.email, password: user.password } }), 429, 'rate_limited');
    // Another account from this address is not locked out by it.
    expect((await app.request('POST', '/v1/auth/token', { body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } })).status).toBe(200);
    // Operators see it: refusals are counted by kind (never by user, email or address).
    const metrics = (await app.request('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/orderstream_rate_limited_total\{limit="login"\} [1-9]/);
    expect(metrics).toMatch(/orderstream_access_refusals_total\{reason="invalid_token"\} [1-9]/);
    expect(metrics).not.toContain(user.email);
  });

  it('wrong email, wrong password and a disabled account all answer the same 401', async () => {
    const user = await app.newUser('customer');
    const wrongPassword = await app.request('POST', '/v1/auth/token', { body: { email: user.email, password: 'not the password' } });
    const unknownEmail = await app.request('POST', '/v1/auth/token', { body: { email: `nobody-${randomUUID()}@orderstream.test`, password: 'not the password' } });
    const victim = await app.newUser('customer');
    expect((await app.as('admin').request('POST', `/v1/admin/users/${victim.id}/disable`, { body: { reason: 'test' } })).status).toBe(200);
    const disabled = await app.request('POST', '/v1/auth/token', { body: { email: victim.email, password: victim.password } });
    for (const answer of [wrongPassword, unknownEmail, disabled]) {
      expectProblem(answer, 401, 'invalid_credentials');
      expect(answer.body.detail).toBe(wrongPassword.body.detail);
    }
  });

  it('an oversize body answers 413 and writes nothing', async () => {
    const before = await headPosition(app);
    expectProblem(await app.request('POST', '/v1/auth/token', { body: { email: TEST_ADMIN.email, password: 'x'.repeat(70_000) } }), 413, 'payload_too_large');
    expectProblem(await app.as('staff').request('POST', '/v1/products', { body: { sku: 'BIG-1', name: 'x'.repeat(70_000), price: { amount: 1, currency: 'EUR' } } }), 413, 'payload_too_large');
    expect(await headPosition(app)).toBe(before);
  });

  describe('behind a trusted proxy (TRUST_PROXY=127.0.0.1), with small limits', () => {
    let proxied: AppUnderTest;
    beforeAll(async () => {
      proxied = await startApp({
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_LOGIN_PER_MINUTE: '3',
        RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '60',
        RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER: '5',
        RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP: '8',
      });
    });
    afterAll(async () => {
      await proxied?.destroy();
    });

    const receipt = (target: AppUnderTest, token: string, clientIp: string) => (id: string) =>
      target.request('POST', `/v1/products/${id}/stock-receipts`, { token, body: { quantity: 1, reference: 'r' }, headers: { 'x-forwarded-for': clientIp } });

    // Users are set up from addresses of their own, so the setup does not spend the budgets tested.
    let setupClients = 0;
    async function userBehindProxy(role: Role): Promise<{ email: string; password: string; token: string }> {
      const headers = { 'x-forwarded-for': `192.0.2.${++setupClients}` };
      const email = `${role}-proxied-${setupClients}-${process.pid}@orderstream.test`;
      const password = 'password behind the proxy';
      const created = role === 'customer'
        ? await proxied.request('POST', '/v1/customers', { body: { email, password }, headers })
        : await proxied.request('POST', '/v1/admin/users', { token: await proxied.tokenFor('admin'), body: { email, password, roles: [role] }, headers });
      expect(created.status).toBe(201);
      const login = await proxied.request('POST', '/v1/auth/token', { body: { email, password }, headers });
      expect(login.status).toBe(200);
      return { email, password, token: login.body.accessToken };
    }

    it('the proxy-reported address counts: one client is limited, another is not', async () => {
      const user = await userBehindProxy('customer');
      const login = (ip: string) => proxied.request('POST', '/v1/auth/token', { body: { email: user.email, password: user.password }, headers: { 'x-forwarded-for': ip } });
      // The setup signed in once from its own address; three more from one client, then the fourth.
      const fromOne = [await login('198.51.100.1'), await login('198.51.100.1'), await login('198.51.100.1'), await login('198.51.100.1')];
      expect(fromOne.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect((await login('198.51.100.2')).status).toBe(200);
    });

    it('commands per user: the 6th within a minute answers 429 with Retry-After, whatever the address', async () => {
      const staff = await userBehindProxy('staff');
      const id = (await proxied.request('POST', '/v1/products', { token: staff.token, body: { sku: 'RL-1', name: 'n', price: { amount: 1, currency: 'EUR' } }, headers: { 'x-forwarded-for': '198.51.100.10' } })).body.id;
      const statuses: number[] = [];
      let last: HttpAnswer | undefined;
      for (let i = 0; i < 5; i++) {
        last = await receipt(proxied, staff.token, `198.51.100.${11 + i}`)(id);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      expectProblem(last!, 429, 'rate_limited');
      expect(last!.body.detail).toContain('account');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Reads are not commands: not limited.
      expect((await proxied.request('GET', `/v1/products/${id}`, { token: staff.token })).status).not.toBe(429);
    });

    it('commands per address: the 9th from one client answers 429, whoever sends it', async () => {
      const [first, second] = [await userBehindProxy('staff'), await userBehindProxy('staff')];
      const ip = '198.51.100.77';
      const id = (await proxied.request('POST', '/v1/products', { token: first.token, body: { sku: 'RL-2', name: 'n', price: { amount: 1, currency: 'EUR' } }, headers: { 'x-forwarded-for': ip } })).body.id;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await receipt(proxied, first.token, ip)(id)).status);
      for (let i = 0; i < 3; i++) statuses.push((await receipt(proxied, second.token, ip)(id)).status);
      const ninth = await receipt(proxied, second.token, ip)(id);
      expect(statuses).toEqual(Array(7).fill(200));
      expectProblem(ninth, 429, 'rate_limited');
      expect(ninth.body.detail).toContain('address');
      // Another client of the same proxy is not affected.
      expect((await receipt(proxied, second.token, '198.51.100.78')(id)).status).toBe(200);
    });
  });
});

describe('response headers, CORS and bounded pages', () => {
  it('sets security headers on successes, refusals and unknown routes alike', async () => {
    for (const answer of [await app.request('GET', '/health'), await app.request('GET', '/v1/products'), await app.request('GET', '/nowhere')]) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers CORS for the configured origin only', async () => {
    const preflight = (origin: string) =>
      app.request('OPTIONS', '/v1/products', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight('https://shop.example.com');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const denied = await preflight('https://evil.example');
    expect(denied.status).toBeLessThan(500);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const read = await app.as('customer').request('GET', '/v1/products', { headers: { origin: 'https://evil.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each(['/v1/products?limit=101', '/v1/products?limit=1000000', '/v1/admin/users?limit=0', '/v1/admin/users?limit=-1', '/v1/orders?limit=500'])('refuses %s with 400', async (path) => {
    expectProblem(await app.as(path.startsWith('/v1/admin') ? 'admin' : path.startsWith('/v1/orders') ? 'customer' : 'staff').request('GET', path), 400);
  });
});

describe('start-up refusals', () => {
  it.each([
    ['a missing JWT_SECRET in production', { NODE_ENV: 'production', JWT_SECRET: '' }],
    ['a short JWT_SECRET in production', { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) }],
    ['a short JWT_SECRET in development', { JWT_SECRET: 'short secret' }],
    ['TRUST_PROXY=true', { TRUST_PROXY: 'true' }],
    ['a wildcard CORS origin', { CORS_ORIGINS: '*' }],
    ['a JWKS URL without issuer and audience', { JWT_SECRET: '', JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }],
  ])('refuses to start with %s', async (_name, env) => {
    await expect(startApp(env)).rejects.toThrow(/service exited with 1 before listening[\s\S]*(JWT_SECRET|TRUST_PROXY|CORS_ORIGINS|JWT_JWKS_URL)/);
  });

  it('starts in production with a strong secret', async () => {
    const production = await startApp({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48) });
    try {
      expect((await production.request('GET', '/health')).status).toBe(200);
    } finally {
      await production.destroy();
    }
  });
});

describe('tokens from an external identity provider (JWKS mode)', () => {
  const IDP = 'https://idp.example.test/';
  const API = 'orderstream-api';
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = (key: KeyObject, kid: string, alg: string) => ({ ...key.export({ format: 'jwk' }), kid, alg, use: 'sig' });
  let jwks: Server;
  let idpApp: AppUnderTest;

  const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'idp|user-42', roles: ['staff'], iss: IDP, aud: API, iat: now(), exp: now() + 300, ...extra });
  const rs256 = (payload: object, kid = 'rsa-1', key = signing.privateKey) => jwt.sign(payload, key, { algorithm: 'RS256', keyid: kid });

  beforeAll(async () => {
    const body = JSON.stringify({ keys: [jwk(signing.publicKey, 'rsa-1', 'RS256'), jwk(ec.publicKey, 'ec-1', 'ES256')] });
    jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((listening) => jwks.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    idpApp = await startApp({ JWT_SECRET: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '', JWT_JWKS_URL: url, JWT_ISSUER: IDP, JWT_AUDIENCE: API });
  });
  afterAll(async () => {
    await idpApp?.destroy();
    await new Promise((closed) => jwks?.close(closed));
  });

  it('accepts RS256 and ES256 tokens of the provider, with the roles they carry', async () => {
    const me = await idpApp.request('GET', '/v1/users/me', { token: rs256(claims()) });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: 'idp|user-42', roles: ['staff'] });
    const es = jwt.sign(claims({ roles: ['customer'] }), ec.privateKey, { algorithm: 'ES256', keyid: 'ec-1' });
    expect((await idpApp.request('GET', '/v1/products', { token: es })).status).toBe(200);
    expectProblem(await idpApp.request('POST', '/v1/products', { token: es, body: { sku: 'IDP-1', name: 'n', price: { amount: 1, currency: 'EUR' } } }), 403, 'forbidden');
    expect((await idpApp.request('POST', '/v1/products', { token: rs256(claims()), body: { sku: 'IDP-1', name: 'n', price: { amount: 1, currency: 'EUR' } } })).status).toBe(201);
  });

  it.each([
    ['HS256 signed with the provider\'s public key', () => forge(claims(), { secret: signing.publicKey.export({ type: 'spki', format: 'pem' }) as string, header: { alg: 'HS256', typ: 'JWT', kid: 'rsa-1' } })],
    ['alg none', () => `${b64url({ alg: 'none', typ: 'JWT', kid: 'rsa-1' })}.${b64url(claims())}.`],
    ['signed by a key the provider does not publish', () => rs256(claims(), 'rsa-1', rsa.privateKey)],
    ['an unknown key id', () => rs256(claims(), 'rsa-unknown')],
    ['expired', () => rs256(claims({ iat: now() - 7200, exp: now() - 3600 }))],
    ['no exp', () => rs256(Object.fromEntries(Object.entries(claims()).filter(([key]) => key !== 'exp')))],
    ['a wrong issuer', () => rs256(claims({ iss: 'https://evil.example/' }))],
    ['a wrong audience', () => rs256(claims({ aud: 'another-api' }))],
    ['nbf in the future', () => rs256(claims({ nbf: now() + 3600 }))],
  ])('refuses %s with 401', async (_name, token) => {
    expectProblem(await idpApp.request('GET', '/v1/products', { token: token() }), 401, 'invalid_token');
  });

  it('issues no tokens and keeps no accounts of its own', async () => {
    expectProblem(await idpApp.request('POST', '/v1/auth/token', { body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } }), 404, 'local_accounts_disabled');
    expectProblem(await idpApp.request('POST', '/v1/customers', { body: { email: 'new@orderstream.test', password: 'long enough password' } }), 404, 'local_accounts_disabled');
  });
});
