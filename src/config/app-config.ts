// Typed configuration from the environment, validated once at start (fail fast).
import { resolve } from 'node:path';
import { ConfigError, integerSetting } from './config-error.js';
import { loadAuditConfig, type AuditConfig } from './audit-config.js';
import { loadHttpConfig, type HttpConfig } from './http-config.js';
import { loadFulfillmentConfig, type FulfillmentConfig } from './fulfillment-config.js';
import { loadOrderingConfig, type OrderingConfig } from './ordering-config.js';
import { loadSecurityConfig, type SecurityConfig } from './security-config.js';
import { loadStoresConfig, type StoresConfig } from './stores-config.js';
import { loadClusterConfig, type ClusterConfig } from './cluster-config.js';
import { loadPersonalDataConfig, type PersonalDataConfig } from './personal-data-config.js';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Largest accepted request body, in bytes (larger: 413). */
  bodyLimit: number;
  /** Deepest nesting of objects/arrays accepted in a JSON body (deeper: 400 body_too_deep). */
  maxBodyDepth: number;
  /** How long a query with X-Min-Position waits for its projections before answering 503. */
  minPositionWaitMs: number;
  /** Request and connection timeouts, the connection cap, the shutdown grace period (http-config.ts). */
  http: HttpConfig;
  /** Tokens, the first admin, rate limits, trusted proxies, CORS (security-config.ts). */
  security: SecurityConfig;
  /** Payment deadline, payment processor and fulfillment workers (fulfillment-config.ts). */
  fulfillment: FulfillmentConfig;
  /** EVENTSTORE_URL / MONGODB_URL: the production engines, when set (stores-config.ts). */
  stores: StoresConfig;
  /** Anchor interval and the key that signs exports and anchors (audit-config.ts). */
  audit: AuditConfig;
  /** The key-encryption keys that wrap the data keys of personal data (personal-data-config.ts). */
  personalData: PersonalDataConfig;
  /** The per-order line cap (ordering-config.ts). */
  ordering: OrderingConfig;
  /** Instance id and lease TTL when several instances share MongoDB (cluster-config.ts). */
  cluster: ClusterConfig;
}

export { ConfigError };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return {
    port: integerSetting(env, 'PORT', 3000, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    logLevel: logLevel as AppConfig['logLevel'],
    bodyLimit: integerSetting(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    maxBodyDepth: integerSetting(env, 'MAX_BODY_DEPTH', 32, 4, 256),
    minPositionWaitMs: integerSetting(env, 'MIN_POSITION_WAIT_MS', 5000, 0, 60_000),
    http: loadHttpConfig(env),
    security: loadSecurityConfig(env),
    fulfillment: loadFulfillmentConfig(env),
    stores: loadStoresConfig(env),
    audit: loadAuditConfig(env),
    personalData: loadPersonalDataConfig(env),
    ordering: loadOrderingConfig(env),
    cluster: loadClusterConfig(env),
  };
}

export const APP_CONFIG = Symbol('AppConfig');
