// Identity's use cases through the HTTP API, in process (the fast int tier: createApp + inject,
// test/support/api-under-test.ts): a visitor registers as a customer, signs in, reads their own
// account; a wrong password is refused. Admins managing users, roles and disabled accounts stay in
// the e2e tier (test/e2e/identity.e2e.spec.ts, on the built service). Every registration and sign-in
// costs a deliberately slow password hash (~0.4 s), so this file spends as few as it can.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';

const PASSWORD = 'a perfectly long passphrase';
let api: ApiUnderTest;
let counter = 0;
const newEmail = (label: string) => `${label}-${++counter}@orderstream.test`;
const register = (email: string) => api.request('POST', '/v1/customers', { body: { email, password: PASSWORD } });
const signIn = (email: string, password: string) => api.request('POST', '/v1/auth/token', { body: { email, password } });

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.destroy();
});

describe('register-customer', () => {
  it('a visitor opens a customer account: 201 {id, revision, position}; signed in, GET /v1/users/me shows it', async () => {
    const email = newEmail('ann');

    const registered = await register(email);

    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    const me = await api.request('GET', '/v1/users/me', { token: await api.login(email, PASSWORD) });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: registered.body.id, email, roles: ['customer'] });
    expect(me.headers.get('cache-control')).toBe('no-store');
  });
});

describe('issue-token', () => {
  const email = newEmail('bea');
  beforeAll(async () => {
    expect((await register(email)).status).toBe(201);
  });

  it('the right password: 200 with a bearer token and its lifetime, not cacheable', async () => {
    const answer = await signIn(email, PASSWORD);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), tokenType: 'Bearer', expiresIn: 900 });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('a wrong password: 401 invalid_credentials, and no token', async () => {
    const answer = await signIn(email, `${PASSWORD}!`);

    expectProblem(answer, 401, 'invalid_credentials');
    expect(answer.body.accessToken).toBeUndefined();
  });
});
