// Access and request-defence settings from the environment, validated at start with the rest of
// the configuration (app-config.ts). Secrets live here in memory only: never log this object.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfigError, integerSetting } from './config-error.js';

export type JwtSettings =
  /** Tokens issued by POST /v1/auth/token and verified here, HS256 with JWT_SECRET. */
  | { mode: 'local'; secret: string; secretGenerated: boolean; issuer: string; audience: string; tokenTtlSeconds: number; clockToleranceSeconds: number }
  /** Tokens from an external identity provider, verified with its JWKS (RS256/ES256); no local login. */
  | { mode: 'jwks'; jwksUrl: string; issuer: string; audience: string; clockToleranceSeconds: number };

export interface SecurityConfig {
  production: boolean;
  jwt: JwtSettings;
  /** The first admin, registered at start if that account does not exist yet. */
  admin?: { email: string; password: string };
  rateLimits: {
    /** Login attempts per client IP and email, per minute. */
    loginPerMinute: number;
    /** Login attempts per client IP whatever the email, per minute (hashing is expensive). */
    loginPerMinutePerIp: number;
    /** Self-registrations (POST /v1/customers) per client IP (an IPv6 /64), per minute: each costs a hash. */
    registrationsPerMinutePerIp: number;
    /** Commands (POST, PUT, PATCH, DELETE) per authenticated user, per minute. */
    commandsPerMinutePerUser: number;
    /** Commands per client IP, per minute. */
    commandsPerMinutePerIp: number;
    /** Reads of the audit and export routes per authenticated user, per minute (each may walk the log and is recorded). */
    auditReadsPerMinutePerUser: number;
  };
  /** Fastify's trustProxy: false, a hop count, or the proxies' addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** Origins allowed to call the API from a browser (exact match); empty: none. */
  corsOrigins: string[];
}

export const MIN_SECRET_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

function jwtSettings(env: NodeJS.ProcessEnv, production: boolean): JwtSettings {
  const clockToleranceSeconds = integerSetting(env, 'JWT_CLOCK_TOLERANCE_SECONDS', 30, 0, 300);
  const jwksUrl = nonEmpty(env.JWT_JWKS_URL);
  const secret = env.JWT_SECRET;
  if (jwksUrl !== undefined) {
    if (secret !== undefined && secret !== '') {
      throw new ConfigError('Set either JWT_SECRET (tokens issued here) or JWT_JWKS_URL (tokens from an identity provider), not both');
    }
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError(`JWT_JWKS_URL must be a URL, got "${jwksUrl}"`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !production)) {
      throw new ConfigError('JWT_JWKS_URL must use https (plain http is accepted outside production only)');
    }
    const issuer = nonEmpty(env.JWT_ISSUER);
    const audience = nonEmpty(env.JWT_AUDIENCE);
    if (issuer === undefined || audience === undefined) {
      throw new ConfigError('JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE: tokens are only accepted from that issuer for this audience');
    }
    return { mode: 'jwks', jwksUrl: url.toString(), issuer, audience, clockToleranceSeconds };
  }
  const common = {
    issuer: nonEmpty(env.JWT_ISSUER) ?? 'orderstream',
    audience: nonEmpty(env.JWT_AUDIENCE) ?? 'orderstream',
    tokenTtlSeconds: integerSetting(env, 'JWT_TTL_SECONDS', 900, 60, 86_400),
    clockToleranceSeconds,
  };
  if (secret === undefined || secret === '') {
    if (production) throw new ConfigError(`JWT_SECRET is required in production (at least ${MIN_SECRET_BYTES} bytes, e.g. openssl rand -base64 48)`);
    // Development only: a fresh secret per start, so tokens die with the process (main warns).
    return { mode: 'local', secret: randomBytes(48).toString('base64'), secretGenerated: true, ...common };
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`);
  }
  return { mode: 'local', secret, secretGenerated: false, ...common };
}

function admin(env: NodeJS.ProcessEnv): SecurityConfig['admin'] {
  const email = nonEmpty(env.ADMIN_EMAIL);
  const password = env.ADMIN_PASSWORD;
  if (email === undefined && (password === undefined || password === '')) return undefined;
  if (email === undefined || password === undefined || password === '') {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither');
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ConfigError(`ADMIN_PASSWORD must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`);
  }
  return { email, password };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: NodeJS.ProcessEnv): SecurityConfig['trustProxy'] {
  const raw = nonEmpty(env.TRUST_PROXY);
  if (raw === undefined || raw === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > 10) throw new ConfigError(`TRUST_PROXY as a hop count must be between 1 and 10, got "${raw}"`);
    return hops;
  }
  if (raw === 'true') {
    // Trusting every hop would let any client choose its address with X-Forwarded-For.
    throw new ConfigError('TRUST_PROXY=true would trust any X-Forwarded-For; name the proxies (addresses, CIDRs, "loopback") or a hop count');
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.includes(entry) && (family === 0 || !validBits || rest.length > 0)) {
      throw new ConfigError(`TRUST_PROXY entries must be IP addresses, CIDRs or one of ${PROXY_NAMES.join(', ')}; got "${entry}"`);
    }
  }
  return entries;
}

function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const raw = nonEmpty(env.CORS_ORIGINS);
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS must list origins like https://shop.example.com (no "*", path or trailing slash); got "${origin}"`);
    }
    return origin;
  });
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv): SecurityConfig {
  const production = env.NODE_ENV === 'production';
  return {
    production,
    jwt: jwtSettings(env, production),
    admin: admin(env),
    rateLimits: {
      loginPerMinute: integerSetting(env, 'RATE_LIMIT_LOGIN_PER_MINUTE', 10, 1, 1000),
      loginPerMinutePerIp: integerSetting(env, 'RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP', 60, 1, 100_000),
      registrationsPerMinutePerIp: integerSetting(env, 'RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP', 10, 1, 100_000),
      commandsPerMinutePerUser: integerSetting(env, 'RATE_LIMIT_COMMANDS_PER_MINUTE_PER_USER', 300, 1, 10_000_000),
      commandsPerMinutePerIp: integerSetting(env, 'RATE_LIMIT_COMMANDS_PER_MINUTE_PER_IP', 1200, 1, 10_000_000),
      auditReadsPerMinutePerUser: integerSetting(env, 'RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER', 60, 1, 10_000_000),
    },
    trustProxy: trustProxy(env),
    corsOrigins: corsOrigins(env),
  };
}
