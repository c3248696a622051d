// Budgets on the routes that cost a password hash (the int tier, in process): registration is
// throttled per client address like login, a registration flood cannot take the hasher from logins,
// IPv6 clients are counted by their /64, and a wrong current password counts like a failed login.
// The client address comes from X-Forwarded-For, believed from loopback (TRUST_PROXY=loopback).
import { afterEach, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { TEST_ADMIN } from '../../test/support/api-client.js';
import { expectProblem } from '../../test/support/expect-problem.js';

const PASSWORD = 'a perfectly long passphrase';
const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
let api: ApiUnderTest | undefined;
afterEach(async () => {
  await api?.destroy();
  api = undefined;
});

describe('registration', () => {
  it('is throttled per client address, counting an IPv6 /64 as one client; a taken email is refused before hashing', async () => {
    api = await startApi({ TRUST_PROXY: 'loopback', RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP: '3' });
    const register = (email: string, address: string) => api!.request('POST', '/v1/customers', { body: { email, password: PASSWORD }, ...from(address) });

    expect((await register('dora@orderstream.test', '2001:db8:1:2::1')).status).toBe(201);
    expectProblem(await register('dora@orderstream.test', '2001:db8:1:2::2'), 409, 'email_already_registered');
    expectProblem(await register('dora@orderstream.test', '2001:db8:1:2:ffff::3'), 409, 'email_already_registered');
    const refused = await register('edna@orderstream.test', '2001:db8:1:2::4');
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another network is another client.
    expect((await register('edna@orderstream.test', '2001:db8:1:3::1')).status).toBe(201);
  });

  it('a flood of 90 concurrent registrations from one address leaves logins from elsewhere answered', async () => {
    api = await startApi({ TRUST_PROXY: 'loopback', RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP: '10' });
    const flood = Promise.all(
      Array.from({ length: 90 }, (_, i) => api!.request('POST', '/v1/customers', { body: { email: `flood-${i}@orderstream.test`, password: PASSWORD }, ...from('198.51.100.9') })),
    );
    const login = await api.request('POST', '/v1/auth/token', { body: TEST_ADMIN, ...from('203.0.113.50') });
    expect(login.status).toBe(200);
    const statuses = (await flood).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(80);
  }, 90_000);
});

describe('login', () => {
  it('counts an IPv6 client by its /64: new addresses in it get no new budget', async () => {
    api = await startApi({ TRUST_PROXY: 'loopback', RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP: '3' });
    const attempt = (address: string) => api!.request('POST', '/v1/auth/token', { body: { email: TEST_ADMIN.email, password: 'not the password' }, ...from(address) });
    for (const address of ['2001:db8:9:9::a', '2001:db8:9:9::b', '2001:db8:9:9::c']) expectProblem(await attempt(address), 401, 'invalid_credentials');
    expectProblem(await attempt('2001:db8:9:9::d'), 429, 'rate_limited');
  });
});

describe('change-password', () => {
  it('counts wrong current passwords like failed logins: the next attempt answers 429', async () => {
    api = await startApi({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    const token = await api.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const change = (currentPassword: string) => api!.request('PUT', '/v1/users/me/password', { token, body: { currentPassword, newPassword: `${PASSWORD} new` } });
    for (let i = 0; i < 2; i++) expectProblem(await change('a wrong guess'), 403, 'wrong_current_password');
    expectProblem(await change('a wrong guess'), 429, 'rate_limited');
    // The budget is the account's: the right password waits too.
    expectProblem(await change(TEST_ADMIN.password), 429, 'rate_limited');
  });
});
