// How payment events evolved. v1 of PaymentAuthorizationRequested carried the customer's payment
// token; v2 does not (tokens are held apart from the log: payment-tokens/). The stored v1 bytes
// stay as they are (the hash chain covers them); every reader of EVENT_STORE sees v2, and audit
// views and exports redact the field (audit/redaction.ts). Orders and the saga dropped the token
// at the same time, with the same step (ordering.upcasters.ts, fulfillment.upcasters.ts).
import type { Upcaster } from '../eventstore/upcasting/upcaster.js';

/** `data` without its paymentToken; anything that is not an object is left alone. */
export function withoutPaymentToken(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const { paymentToken: _dropped, ...rest } = data as { paymentToken?: unknown };
  return rest;
}

export const paymentsUpcasters: readonly Upcaster[] = [
  { type: 'PaymentAuthorizationRequested', fromVersion: 1, upcast: withoutPaymentToken },
];
