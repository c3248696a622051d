// How order events evolved. v1 of OrderPlaced carried the customer's payment token; v2 does not
// (see payments.upcasters.ts for how the stored v1 events are read and shown).
import type { Upcaster } from '../eventstore/upcasting/upcaster.js';
import { withoutPaymentToken } from '../payments/payments.upcasters.js';

export const orderingUpcasters: readonly Upcaster[] = [
  { type: 'OrderPlaced', fromVersion: 1, upcast: withoutPaymentToken },
];
