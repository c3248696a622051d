// A token is verified once (signature, issuer, audience, exp) and then served from memory while it
// lives; what can change while it lives is still judged on every request: a disabled account, a
// revoked role, a changed password refuse the very token that was remembered, and a remembered token
// is refused once it expires. In process (createApp + inject) with the real passport-jwt strategy;
// passport-jwt's JwtVerifier hook (documented for tests) counts the signature checks.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Strategy } from 'passport-jwt';
import { TEST_JWT_SECRET } from '../../../test/support/api-client.js';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { expectProblem } from '../../../test/support/expect-problem.js';

type Verifier = (token: string, ...rest: unknown[]) => unknown;
const passportJwt = Strategy as typeof Strategy & { JwtVerifier: Verifier }; // the hook is not in @types/passport-jwt
const verifiedTokens: string[] = [];
const realVerifier = passportJwt.JwtVerifier;

let api: ApiUnderTest;
const PASSWORD = 'a perfectly long passphrase';

beforeAll(async () => {
  passportJwt.JwtVerifier = (token, ...rest) => {
    verifiedTokens.push(token);
    return realVerifier(token, ...rest);
  };
  // No clock tolerance, so a token is refused the moment its exp passes (the expiry case below).
  api = await startApi({ JWT_CLOCK_TOLERANCE_SECONDS: '0' });
});
afterAll(async () => {
  passportJwt.JwtVerifier = realVerifier;
  await api?.destroy();
});

const timesVerified = (token: string) => verifiedTokens.filter((verified) => verified === token).length;
const readProducts = (token: string) => api.request('GET', '/v1/products', { token });

describe('a verified token is remembered, its holder is judged afresh', () => {
  it('the same token on many requests is verified once', async () => {
    const user = await api.newUser('staff');
    for (let i = 0; i < 3; i++) expect((await readProducts(user.token)).status).toBe(200);
    expect(timesVerified(user.token)).toBe(1);
  });

  it('a remembered token of a user disabled since is refused (401), without verifying it again', async () => {
    const user = await api.newUser('staff');
    expect((await readProducts(user.token)).status).toBe(200);
    expect((await api.as('admin').request('POST', `/v1/admin/users/${user.id}/disable`, { body: { reason: 'left the company' } })).status).toBe(200);
    expectProblem(await readProducts(user.token), 401, 'invalid_token');
    expect(timesVerified(user.token)).toBe(1);
  });

  it('a remembered token loses a role revoked since (403)', async () => {
    const user = await api.newUser('staff');
    expect((await readProducts(user.token)).status).toBe(200);
    expect((await api.as('admin').request('DELETE', `/v1/admin/users/${user.id}/roles/staff`)).status).toBe(200);
    expectProblem(await readProducts(user.token), 403, 'forbidden');
  });

  it('a remembered token is refused after its holder changed the password (401)', async () => {
    const user = await api.newUser('staff');
    expect((await readProducts(user.token)).status).toBe(200);
    const changed = await api.request('PUT', '/v1/users/me/password', { token: user.token, body: { currentPassword: user.password, newPassword: `${PASSWORD} changed` } });
    expect(changed.status).toBeLessThan(300);
    expectProblem(await readProducts(user.token), 401, 'invalid_token');
  });

  it('a remembered token is refused once it expires', async () => {
    const user = await api.newUser('staff');
    const now = Math.floor(Date.now() / 1000);
    const token = hs256({ sub: user.id, roles: ['staff'], iat: now, exp: now + 2, iss: 'orderstream', aud: 'orderstream' });
    expect((await readProducts(token)).status).toBe(200);
    expect(timesVerified(token)).toBe(1);
    await new Promise((done) => setTimeout(done, (now + 2) * 1000 - Date.now() + 50)); // until just past exp
    expectProblem(await readProducts(token), 401, 'invalid_token');
    expect(timesVerified(token)).toBe(2); // handed back to jsonwebtoken, which refused it
  });
});

/** A token signed with the test service's secret, with exactly these claims. */
function hs256(claims: Record<string, unknown>): string {
  const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', TEST_JWT_SECRET).update(input).digest('base64url')}`;
}
