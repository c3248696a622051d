// Settings of a service run as several instances over MongoDB (src/leases): the name of this
// instance and how long a lease lasts unrenewed, which bounds failover (TTL + TTL/3).
import { hostname } from 'node:os';
import { ConfigError, integerSetting } from './config-error.js';

export interface ClusterConfig {
  /** INSTANCE_ID: this instance in lease holders, logs, /health and /metrics (default: the host name). */
  instanceId: string;
  /** LEASE_TTL_MS: a dead instance's subscribers move to a live one within TTL + TTL/3. */
  leaseTtlMs: number;
  /** IDEMPOTENCY_KEY_TTL_HOURS: how long MongoDB keeps an Idempotency-Key's answer. */
  idempotencyKeyTtlHours: number;
}

const INSTANCE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function loadClusterConfig(env: NodeJS.ProcessEnv): ClusterConfig {
  const instanceId = env.INSTANCE_ID?.trim() || hostname().slice(0, 64).replace(/[^A-Za-z0-9._-]/g, '-');
  if (!INSTANCE_ID.test(instanceId)) throw new ConfigError(`INSTANCE_ID must be 1-64 letters, digits, '.', '_' or '-', got "${env.INSTANCE_ID}"`);
  return {
    instanceId,
    leaseTtlMs: integerSetting(env, 'LEASE_TTL_MS', 7_500, 1_000, 300_000),
    idempotencyKeyTtlHours: integerSetting(env, 'IDEMPOTENCY_KEY_TTL_HOURS', 24, 1, 24 * 365),
  };
}
