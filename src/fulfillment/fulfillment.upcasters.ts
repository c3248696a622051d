// How the saga's events evolved. v1 of FulfillmentStarted copied the payment token from
// OrderPlaced, and v1 of FulfillmentReservationNoted carried it in the AuthorizePayment command it
// sent; v2 of both do not (see payments.upcasters.ts). The relay reads the commands upcast, so a
// v1 command re-sent after the upgrade carries no token either.
import type { Upcaster } from '../eventstore/upcasting/upcaster.js';
import { withoutPaymentToken } from '../payments/payments.upcasters.js';

export const fulfillmentUpcasters: readonly Upcaster[] = [
  { type: 'FulfillmentStarted', fromVersion: 1, upcast: withoutPaymentToken },
  {
    type: 'FulfillmentReservationNoted',
    fromVersion: 1,
    upcast: (data) => {
      const step = data as { commands?: unknown };
      return Array.isArray(step.commands) ? { ...step, commands: step.commands.map(withoutPaymentToken) } : data;
    },
  },
];
