// Payment deadlines armed by the order fulfillment saga and not yet cleared or expired: what the
// deadline scheduler watches. Durable like every read model, so deadlines fire after a restart.
import { eventTypes } from '../../src/decider/decider.js';
import type { FulfillmentEvent } from '../../src/fulfillment/fulfillment.decider.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';

export interface PendingDeadline extends ReadDocument {
  /** ISO-8601 (UTC, fixed width), so string order is time order. */
  dueAt: string;
  /** The saga event that armed it: the cause of what the deadline triggers. */
  scheduledEventId: string;
  correlationId: string;
}

/** A deadline is armed by the first and ends with any of the others. */
type DeadlineEvent = Extract<FulfillmentEvent, { type: 'PaymentDeadlineScheduled' | 'PaymentDeadlineCleared' | 'PaymentDeadlineExpired' | 'FulfillmentCompleted' }>;

export const paymentDeadlinesProjection: DocumentProjection<PendingDeadline, DeadlineEvent> = {
  name: 'payment-deadlines',
  version: 1,
  collection: { name: 'payment_deadlines_v1', indexes: [{ fields: { dueAt: 1 } }] },
  eventTypes: eventTypes<DeadlineEvent>({ PaymentDeadlineScheduled: true, PaymentDeadlineCleared: true, PaymentDeadlineExpired: true, FulfillmentCompleted: true }),
  documentId: (event) => event.data.orderId,
  evolve(_current, event) {
    if (event.type !== 'PaymentDeadlineScheduled') return null;
    return {
      _id: event.data.orderId, _position: Number(event.position), dueAt: event.data.dueAt,
      scheduledEventId: event.eventId, correlationId: event.metadata.correlationId,
    };
  },
};
