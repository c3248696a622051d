import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error.js';
import { loadSecurityConfig } from './security-config.js';

const SECRET = 's'.repeat(32);

describe('loadSecurityConfig', () => {
  it('defaults: local tokens of 15 minutes, 30 s of clock skew, production-sized rate limits, no proxy, no CORS', () => {
    const config = loadSecurityConfig({ JWT_SECRET: SECRET });
    expect(config).toEqual({
      production: false,
      jwt: { mode: 'local', secret: SECRET, secretGenerated: false, issuer: 'orderstream', audience: 'orderstream', tokenTtlSeconds: 900, clockToleranceSeconds: 30 },
      admin: undefined,
      rateLimits: { loginPerMinute: 10, loginPerMinutePerIp: 60, registrationsPerMinutePerIp: 10, commandsPerMinutePerUser: 300, commandsPerMinutePerIp: 1200, auditReadsPerMinutePerUser: 60 },
      trustProxy: false,
      corsOrigins: [],
    });
  });

  it('in development without JWT_SECRET, generates a strong per-run secret', () => {
    const a = loadSecurityConfig({});
    const b = loadSecurityConfig({});
    expect(a.jwt).toMatchObject({ mode: 'local', secretGenerated: true });
    if (a.jwt.mode !== 'local' || b.jwt.mode !== 'local') throw new Error('local mode expected');
    expect(Buffer.from(a.jwt.secret, 'base64').length).toBe(48);
    expect(a.jwt.secret).not.toBe(b.jwt.secret);
  });

  it.each([
    ['no JWT_SECRET in production', { NODE_ENV: 'production' }, /JWT_SECRET is required in production/],
    ['a 31-byte JWT_SECRET in production', { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(31) }, /at least 32 bytes/],
    ['a short JWT_SECRET anywhere', { JWT_SECRET: 'short' }, /at least 32 bytes/],
    ['both a secret and a JWKS URL', { JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, /not both/],
    ['a JWKS URL without issuer', { JWT_JWKS_URL: 'https://idp.example/jwks', JWT_AUDIENCE: 'a' }, /JWT_ISSUER and JWT_AUDIENCE/],
    ['a plain-http JWKS URL in production', { NODE_ENV: 'production', JWT_JWKS_URL: 'http://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, /https/],
    ['ADMIN_EMAIL without ADMIN_PASSWORD', { JWT_SECRET: SECRET, ADMIN_EMAIL: 'a@b.example' }, /go together/],
    ['a short ADMIN_PASSWORD', { JWT_SECRET: SECRET, ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'short' }, /12-128/],
    ['TRUST_PROXY=true', { JWT_SECRET: SECRET, TRUST_PROXY: 'true' }, /would trust any X-Forwarded-For/],
    ['a TRUST_PROXY that is no address', { JWT_SECRET: SECRET, TRUST_PROXY: 'proxy.internal' }, /IP addresses, CIDRs/],
    ['a CIDR too wide', { JWT_SECRET: SECRET, TRUST_PROXY: '10.0.0.0/33' }, /IP addresses, CIDRs/],
    ['a wildcard CORS origin', { JWT_SECRET: SECRET, CORS_ORIGINS: '*' }, /CORS_ORIGINS/],
    ['a CORS origin with a path', { JWT_SECRET: SECRET, CORS_ORIGINS: 'https://shop.example/app' }, /CORS_ORIGINS/],
    ['a zero rate limit', { JWT_SECRET: SECRET, RATE_LIMIT_LOGIN_PER_MINUTE: '0' }, /RATE_LIMIT_LOGIN_PER_MINUTE/],
    ['a zero audit read limit', { JWT_SECRET: SECRET, RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER: '0' }, /RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER/],
  ])('refuses %s', (_name, env, message) => {
    expect(() => loadSecurityConfig(env)).toThrow(ConfigError);
    expect(() => loadSecurityConfig(env)).toThrow(message);
  });

  it('reads JWKS mode, a trusted proxy list, a hop count and CORS origins', () => {
    const jwks = loadSecurityConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json', JWT_ISSUER: 'https://idp.example/', JWT_AUDIENCE: 'orderstream-api' });
    expect(jwks.jwt).toEqual({ mode: 'jwks', jwksUrl: 'https://idp.example/.well-known/jwks.json', issuer: 'https://idp.example/', audience: 'orderstream-api', clockToleranceSeconds: 30 });
    expect(loadSecurityConfig({ JWT_SECRET: SECRET, TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    expect(loadSecurityConfig({ JWT_SECRET: SECRET, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadSecurityConfig({ JWT_SECRET: SECRET, CORS_ORIGINS: 'https://shop.example, http://localhost:5173' }).corsOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
  });
});
