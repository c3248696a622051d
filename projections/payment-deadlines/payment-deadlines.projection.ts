// Payment deadlines armed by the order fulfilment saga and not yet cleared or expired: what the
// deadline scheduler watches. Durable like every read model, so deadlines fire after a restart.
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
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

export const paymentDeadlinesProjection: DocumentProjection<PendingDeadline> = {
  name: 'payment-deadlines',
  version: 1,
  collection: { name: 'payment_deadlines_v1', indexes: [{ fields: { dueAt: 1 } }] },
  eventTypes: ['PaymentDeadlineScheduled', 'PaymentDeadlineCleared', 'PaymentDeadlineExpired', 'FulfillmentCompleted'],
  documentId: (event) => (event.data as { orderId?: string }).orderId,
  evolve(_current, recorded) {
    const event = recorded as RecordedEvent & FulfillmentEvent;
    if (event.type !== 'PaymentDeadlineScheduled') return null;
    return {
      _id: event.data.orderId, _position: Number(recorded.position), dueAt: event.data.dueAt,
      scheduledEventId: recorded.eventId, correlationId: recorded.metadata.correlationId,
    };
  },
};
