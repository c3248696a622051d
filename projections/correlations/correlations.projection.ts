// The correlation index: per correlation id, where each event it carries sits in the log (stream,
// revision, position), in position order. The auditors' causation trees look a correlation up here
// and read just those events, instead of scanning the whole log for the id. A projection over the
// log rather than an index table of the embedded store: it works the same on EventStoreDB and
// MongoDB, rebuilds blue/green from the log like every read model, and keeps the event store port
// as it is. It indexes every event of the six contexts (what commands and the saga caused); reads
// of audit data and anchors are not domain effects and are listed elsewhere (GET /v1/admin/audit-reads).
import { FULFILLMENT_EVENT_TYPES, type FulfillmentEvent } from '../../src/fulfillment/fulfillment.decider.js';
import { USER_EVENT_TYPES, type UserEvent } from '../../src/identity/users.decider.js';
import { INVENTORY_EVENT_TYPES, type InventoryEvent } from '../../src/inventory/inventory.decider.js';
import { ORDER_EVENT_TYPES, type OrderEvent } from '../../src/ordering/ordering.decider.js';
import { PAYMENT_EVENT_TYPES, type PaymentEvent } from '../../src/payments/payments.decider.js';
import { SHIPPING_EVENT_TYPES, type ShippingEvent } from '../../src/shipping/shipping.decider.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';

/** A correlation keeps the places of its first events only: a causation tree answers at most these. */
export const MAX_INDEXED_EVENTS = 1000;

export interface EventPlace {
  streamId: string;
  revision: number;
  position: number;
}

export interface CorrelationDocument extends ReadDocument {
  events: EventPlace[];
  /** More events carry the id than MAX_INDEXED_EVENTS. */
  truncated: boolean;
}

type IndexedEvent = InventoryEvent | OrderEvent | PaymentEvent | ShippingEvent | UserEvent | FulfillmentEvent;

export const correlationsProjection: DocumentProjection<CorrelationDocument, IndexedEvent> = {
  name: 'correlations',
  version: 1,
  collection: { name: 'correlations_v1' },
  eventTypes: [...INVENTORY_EVENT_TYPES, ...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES, ...SHIPPING_EVENT_TYPES, ...USER_EVENT_TYPES, ...FULFILLMENT_EVENT_TYPES],
  documentId: (event) => event.metadata.correlationId,
  evolve(current, event) {
    const events = current?.events ?? [];
    if (events.length >= MAX_INDEXED_EVENTS) return current && { ...current, truncated: true };
    const place = { streamId: event.streamId, revision: event.revision, position: Number(event.position) };
    return { _id: event.metadata.correlationId, _position: place.position, events: [...events, place], truncated: false };
  },
};
