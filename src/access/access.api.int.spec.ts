// Access control through the HTTP API, in process (the fast int tier: createApp + inject,
// test/support/api-under-test.ts): no token, a token that is not ours, and a customer on staff
// and admin routes. Every route against every role, forged tokens and rate limits stay in the e2e
// attack suite (test/e2e/attack.e2e.spec.ts, on the built service).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestUser } from '../../test/support/api-client.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';

let api: ApiUnderTest;
let customer: TestUser;
const product = { sku: 'ACCESS-1', name: 'Lamp', price: { amount: 2500, currency: 'EUR' } };

beforeAll(async () => {
  api = await startApi();
  customer = await api.newUser('customer');
});
afterAll(async () => {
  await api?.destroy();
});

describe('without a token', () => {
  it('a public route answers: GET /health is 200', async () => {
    const answer = await api.request('GET', '/health');

    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ok');
  });

  it.each([
    ['GET', '/v1/products'],
    ['POST', '/v1/orders'],
  ])('%s %s answers 401 unauthorized with a Bearer challenge', async (method, path) => {
    const answer = await api.request(method, path, method === 'POST' ? { body: {} } : {});

    expectProblem(answer, 401, 'unauthorized');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="orderstream"');
  });
});

describe('with a token that is not one of ours', () => {
  it('answers 401 invalid_token, and the challenge says so', async () => {
    const answer = await api.request('GET', '/v1/products', { token: 'aaa.bbb.ccc' });

    expectProblem(answer, 401, 'invalid_token');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="orderstream", error="invalid_token"');
  });
});

describe('a customer', () => {
  it('may read the catalogue', async () => {
    const answer = await api.request('GET', '/v1/products', { token: customer.token });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['registering a product (staff)', 'POST', '/v1/products', product],
    ['listing users (admin)', 'GET', '/v1/admin/users', undefined],
  ])('is refused %s: 403 forbidden', async (_name, method, path, body) => {
    const answer = await api.request(method, path, { token: customer.token, ...(body === undefined ? {} : { body }) });

    expectProblem(answer, 403, 'forbidden');
  });
});
