// Which engines hold the event log and the read models. Unset, the embedded default (SQLite
// file, in-process read models in DATA_DIR); set, the production engine, with no fallback.
import { ConfigError } from './config-error.js';

export interface StoresConfig {
  /** EVENTSTORE_URL: an esdb:// (or esdb+discover://) connection string selects EventStoreDB. */
  eventStoreUrl: string | undefined;
  /** MONGODB_URL: a mongodb:// (or mongodb+srv://) connection string selects MongoDB. */
  mongodbUrl: string | undefined;
}

function url(env: NodeJS.ProcessEnv, name: string, schemes: RegExp, example: string): string | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!schemes.test(raw)) throw new ConfigError(`${name} must be a connection string like ${example}, got "${redactUrl(raw)}"`);
  return raw;
}

export function loadStoresConfig(env: NodeJS.ProcessEnv): StoresConfig {
  return {
    eventStoreUrl: url(env, 'EVENTSTORE_URL', /^esdb(\+discover)?:\/\/[^/?]+/, 'esdb://localhost:2113?tls=false'),
    mongodbUrl: url(env, 'MONGODB_URL', /^mongodb(\+srv)?:\/\/[^/?]+/, 'mongodb://localhost:27017/orderstream?replicaSet=rs0'),
  };
}

/** The URL without its password, for logs and /health. */
export function redactUrl(raw: string): string {
  return raw.replace(/^([a-z+]+:\/\/[^:/?@]+):[^@/?]*@/i, '$1:***@');
}
