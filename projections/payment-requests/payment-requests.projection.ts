// Payment authorizations waiting for the processor's answer: the authorization worker's to-do
// list. A document appears with PaymentAuthorizationRequested and goes with the answer, so after
// a restart the worker resumes exactly the requests still open. The token is not here: the worker
// takes it from payments/payment-tokens.
import { eventTypes } from '../../src/decider/decider.js';
import type { Money } from '../../src/money/money.js';
import type { PaymentEvent } from '../../src/payments/payments.decider.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';

export interface PendingAuthorization extends ReadDocument {
  orderId: string;
  amount: Money;
  /** The request event: the cause of the answer the worker records. */
  requestEventId: string;
  correlationId: string;
  requestedAt: string;
  /** The request's trace (when tracing is on), which the worker's call and answer continue. */
  traceparent?: string;
}

/** A request, and the two answers that settle it. */
type RequestEvent = Extract<PaymentEvent, { type: 'PaymentAuthorizationRequested' | 'PaymentAuthorized' | 'PaymentDeclined' }>;

export const paymentRequestsProjection: DocumentProjection<PendingAuthorization, RequestEvent> = {
  name: 'payment-requests',
  version: 1,
  collection: { name: 'payment_requests_v1' },
  eventTypes: eventTypes<RequestEvent>({ PaymentAuthorizationRequested: true, PaymentAuthorized: true, PaymentDeclined: true }),
  documentId: (event) => event.data.paymentId,
  evolve(current, event) {
    if (event.type !== 'PaymentAuthorizationRequested') return null; // answered
    const { paymentId, orderId, amount } = event.data;
    return {
      _id: paymentId, _position: Number(event.position), orderId, amount,
      requestEventId: event.eventId, correlationId: event.metadata.correlationId, requestedAt: event.metadata.occurredAt,
      ...(event.metadata.traceparent === undefined ? {} : { traceparent: event.metadata.traceparent }),
    };
  },
};
