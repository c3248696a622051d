// The log an operator investigates with: the built service's whole output, read back as JSON
// lines. One access line per request (method, route pattern, status, duration, request id,
// correlation id, user id), the request's ids on the lines written while it is handled, the
// batch's ids on a subscriber's lines, security and lifecycle events at their levels, LOG_LEVEL
// honoured, and never a password, a token or an Authorization header.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TEST_ADMIN, startApp, type AppUnderTest } from '../support/app-under-test.js';

jest.setTimeout(120_000);

type LogLine = Record<string, unknown> & { level: string; msg?: string };

/** Every line the service printed, each parsed as JSON: a line that is not JSON fails the spec. */
function logLines(app: AppUnderTest): LogLine[] {
  return app.output().split('\n').filter((line) => line.trim() !== '').map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}

const CUSTOMER_PASSWORD = 'customer password 5a1e9c';
const NEW_CUSTOMER_PASSWORD = 'changed customer password 77c2';
const WRONG_PASSWORD = 'not the password 3f0d1b';
const FORGED_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged-signature-0d7c';

describe('logs at LOG_LEVEL=debug, as JSON lines', () => {
  let app: AppUnderTest;
  let adminToken: string;
  let customerToken: string;
  const answers: Record<string, { requestId: string; correlationId: string }> = {};
  let exitCode: number | null;

  beforeAll(async () => {
    app = await startApp({ LOG_LEVEL: 'debug', RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    adminToken = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const product = await app.request('POST', '/v1/products', {
      token: adminToken,
      headers: { 'X-Correlation-Id': 'restock-42' },
      body: { sku: 'LOG-01', name: 'Log book', price: { amount: 900, currency: 'EUR' } },
    });
    expect(product.status).toBe(201);
    answers.product = { requestId: product.headers.get('x-request-id')!, correlationId: product.headers.get('x-correlation-id')! };
    // Read back with X-Min-Position: the projection has handled the event (its batch lines are written).
    expect((await app.request('GET', `/v1/products/${product.body.id}`, { token: adminToken, headers: { 'X-Min-Position': product.body.position } })).status).toBe(200);

    const customer = await app.request('POST', '/v1/customers', { body: { email: 'logs@example.com', password: CUSTOMER_PASSWORD } });
    expect(customer.status).toBe(201);
    customerToken = await app.login('logs@example.com', CUSTOMER_PASSWORD);
    expect((await app.request('PUT', '/v1/users/me/password', { token: customerToken, body: { currentPassword: CUSTOMER_PASSWORD, newPassword: NEW_CUSTOMER_PASSWORD } })).status).toBeLessThan(300);

    const failed = await app.request('POST', '/v1/auth/token', { body: { email: 'logs@example.com', password: WRONG_PASSWORD } });
    expect(failed.status).toBe(401);
    answers.failedLogin = { requestId: failed.headers.get('x-request-id')!, correlationId: failed.headers.get('x-correlation-id')! };
    // Three attempts a minute per address and account (RATE_LIMIT_LOGIN_PER_MINUTE=3): the next ones are 429.
    for (let attempt = 0; attempt < 3; attempt++) await app.request('POST', '/v1/auth/token', { body: { email: 'logs@example.com', password: WRONG_PASSWORD } });
    // A burst of refused tokens from one address.
    for (let attempt = 0; attempt < 12; attempt++) expect((await app.request('GET', '/v1/users/me', { token: FORGED_TOKEN })).status).toBe(401);

    const staff = await app.newUser('staff');
    expect((await app.request('POST', `/v1/admin/users/${staff.id}/roles`, { token: adminToken, body: { role: 'analyst' } })).status).toBe(200);
    expect((await app.request('GET', '/health/live')).status).toBe(200);

    await app.stop();
    exitCode = app.process.exitCode;
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('writes one access line per request: method, route pattern, status, duration, request id, correlation id, user id', () => {
    const access = logLines(app).filter((line) => line.event === 'request' && line.requestId === answers.product!.requestId);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/v1/products',
      statusCode: 201,
      durationMs: expect.any(Number),
      correlationId: answers.product!.correlationId,
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // The route pattern, never the URL with its ids.
    const read = logLines(app).find((line) => line.event === 'request' && line.method === 'GET' && String(line.route).startsWith('/v1/products/'));
    expect(read?.route).toBe('/v1/products/:id');
  });

  it("puts the request's ids on the lines written while it is handled (a failed login, a role change)", () => {
    const lines = logLines(app);
    const loginFailed = lines.filter((line) => line.event === 'login_failed');
    expect(loginFailed.length).toBeGreaterThanOrEqual(1);
    expect(loginFailed[0]).toMatchObject({ level: 'warn', reason: 'wrong_password', requestId: answers.failedLogin!.requestId, correlationId: answers.failedLogin!.correlationId });
    const granted = lines.find((line) => line.event === 'role_granted');
    expect(granted).toMatchObject({ level: 'info', role: 'analyst', requestId: expect.any(String), correlationId: expect.any(String), userId: expect.any(String) });
  });

  it("puts the batch's subscriber, correlation and causation ids on a subscriber's lines", () => {
    const batch = logLines(app).filter((line) => line.subscriber === 'product-details' && line.level === 'debug');
    const forProduct = batch.filter((line) => line.correlationId === answers.product!.correlationId
      || (Array.isArray(line.correlationIds) && line.correlationIds.includes(answers.product!.correlationId)));
    expect(forProduct.length).toBeGreaterThanOrEqual(1);
    expect(forProduct[0]!.causationId ?? forProduct[0]!.causationIds).toBeDefined();
  });

  it('logs security events at warn: failed logins, 429s and a burst of 401s (once per address and minute)', () => {
    const lines = logLines(app);
    expect(lines.filter((line) => line.event === 'rate_limited' && line.level === 'warn' && line.route === '/v1/auth/token').length).toBeGreaterThanOrEqual(1);
    const bursts = lines.filter((line) => line.event === 'auth_failures_burst');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ level: 'warn', failures: 10, clientIp: '127.0.0.1' });
  });

  it('logs the start and a clean stop (exit code 0 after SIGTERM); debug lines appear at LOG_LEVEL=debug', () => {
    const lines = logLines(app);
    expect(lines.find((line) => line.event === 'lifecycle' && /listening on/.test(line.msg ?? ''))).toMatchObject({ level: 'info' });
    expect(lines.find((line) => line.event === 'lifecycle' && line.signal === 'SIGTERM' && line.exitCode === 0)).toMatchObject({ msg: 'orderstream stopped cleanly' });
    expect(exitCode).toBe(0);
    expect(lines.some((line) => line.level === 'debug' && line.route === '/health/live')).toBe(true);
  });

  it('never writes a password, a token or an Authorization header', () => {
    const output = app.output();
    for (const secret of [TEST_ADMIN.password, CUSTOMER_PASSWORD, NEW_CUSTOMER_PASSWORD, WRONG_PASSWORD, FORGED_TOKEN, adminToken, customerToken]) {
      expect(output.includes(secret)).toBe(false);
    }
    expect(output).not.toMatch(/bearer /i);
    // A header, if ever passed to a line, is censored.
    expect(output).not.toMatch(/"authorization":"(?!\[redacted\])/i);
  });
});

describe('LOG_LEVEL=warn', () => {
  it('drops info and debug lines but keeps the start and stop lines', async () => {
    const app = await startApp({ LOG_LEVEL: 'warn' });
    try {
      await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
      await app.stop();
      const lines = logLines(app);
      expect(lines.filter((line) => line.event === 'request')).toEqual([]);
      expect(lines.filter((line) => (line.level === 'info' || line.level === 'debug') && line.event !== 'lifecycle')).toEqual([]);
      expect(lines.filter((line) => line.event === 'lifecycle').map((line) => line.msg)).toEqual(
        expect.arrayContaining([expect.stringMatching(/listening on/), 'orderstream stopped cleanly']),
      );
    } finally {
      await app.destroy();
    }
  });
});
