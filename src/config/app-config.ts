// Typed configuration from the environment, validated once at start (fail fast).
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { loadFulfillmentConfig, type FulfillmentConfig } from './fulfillment-config.js';
import { loadSecurityConfig, type SecurityConfig } from './security-config.js';
import { loadStoresConfig, type StoresConfig } from './stores-config.js';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Largest accepted request body, in bytes (larger: 413). */
  bodyLimit: number;
  /** How long a query with X-Min-Position waits for its projections before answering 503. */
  minPositionWaitMs: number;
  /** Tokens, the first admin, rate limits, trusted proxies, CORS (security-config.ts). */
  security: SecurityConfig;
  /** Payment deadline, payment processor and fulfilment workers (fulfillment-config.ts). */
  fulfillment: FulfillmentConfig;
  /** EVENTSTORE_URL / MONGODB_URL: the production engines, when set (stores-config.ts). */
  stores: StoresConfig;
}

export { ConfigError };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    logLevel: logLevel as AppConfig['logLevel'],
    bodyLimit: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    minPositionWaitMs: integer(env, 'MIN_POSITION_WAIT_MS', 5000, 0, 60_000),
    security: loadSecurityConfig(env),
    fulfillment: loadFulfillmentConfig(env),
    stores: loadStoresConfig(env),
  };
}

export const APP_CONFIG = Symbol('AppConfig');
