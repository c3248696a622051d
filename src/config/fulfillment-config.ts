// Settings of order fulfillment (saga deadlines, the payment processor and its workers), from
// the environment, validated at start with the rest of the configuration (app-config.ts).
import { integerSetting } from './config-error.js';

export interface FulfillmentConfig {
  /** How long an order waits for its payment authorization before it is cancelled. */
  paymentDeadlineMs: number;
  /** How often the deadline scheduler and the authorization worker look for due work. */
  pollIntervalMs: number;
  /** Tries of a processor call that fails transiently before giving up (authorization: declined). */
  gatewayAttempts: number;
  /** The deterministic test processor (the default): tok_slow answers after this long... */
  testGatewaySlowMs: number;
  /** ...and tok_error fails this many times per idempotency key before it answers. */
  testGatewayTransientFailures: number;
}

export function loadFulfillmentConfig(env: NodeJS.ProcessEnv): FulfillmentConfig {
  return {
    paymentDeadlineMs: integerSetting(env, 'PAYMENT_DEADLINE_MS', 15 * 60_000, 100, 7 * 24 * 3_600_000),
    pollIntervalMs: integerSetting(env, 'FULFILLMENT_POLL_MS', 100, 10, 60_000),
    gatewayAttempts: integerSetting(env, 'PAYMENT_GATEWAY_ATTEMPTS', 6, 1, 50),
    testGatewaySlowMs: integerSetting(env, 'TEST_GATEWAY_SLOW_MS', 5_000, 0, 600_000),
    testGatewayTransientFailures: integerSetting(env, 'TEST_GATEWAY_TRANSIENT_FAILURES', 2, 0, 50),
  };
}
