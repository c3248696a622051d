// Limits on HTTP connections from the environment, validated at start with the rest of the
// configuration (app-config.ts). Fastify 5 and Node leave a request's body untimed (requestTimeout
// 0) and connections uncapped, so one client trickling bytes could hold sockets for ever.
import { ConfigError, integerSetting } from './config-error.js';

export interface HttpConfig {
  /** The whole request (headers and body) must arrive within this, else 408 and the connection is closed. */
  requestTimeoutMs: number;
  /** The request's headers must arrive within this (no more than requestTimeoutMs). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. Behind a load balancer, set it above the balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves either way for this long is closed. */
  connectionTimeoutMs: number;
  /** Open connections at most; beyond it a new connection is closed at once. */
  maxConnections: number;
  /** On SIGTERM/SIGINT: how long in-flight requests may take to finish before the process exits anyway. */
  shutdownGraceMs: number;
}

export function loadHttpConfig(env: NodeJS.ProcessEnv): HttpConfig {
  const requestTimeoutMs = integerSetting(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000);
  const headersTimeoutMs = integerSetting(env, 'HTTP_HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 500, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: integerSetting(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 1_000, 600_000),
    connectionTimeoutMs: integerSetting(env, 'HTTP_CONNECTION_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    maxConnections: integerSetting(env, 'HTTP_MAX_CONNECTIONS', 1_000, 1, 100_000),
    shutdownGraceMs: integerSetting(env, 'SHUTDOWN_GRACE_MS', 8_000, 0, 600_000),
  };
}
