// One document per order with everything GET /v1/orders/{id} answers: the status, the lines,
// where payment and shipment stand, and a timeline of every step with its cause, from the
// events of the order, its reservations, its payment and its shipment.
import { unreachable } from '../../src/decider/decider.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { RESERVATION_EVENT_TYPES, type ReservationEvent } from '../../src/inventory/inventory.decider.js';
import type { Money } from '../../src/money/money.js';
import { ORDER_EVENT_TYPES, type CancellationReason, type OrderEvent, type OrderLine, type OrderStatus, type ShippingAddress } from '../../src/ordering/ordering.decider.js';
import { PAYMENT_EVENT_TYPES, type PaymentEvent } from '../../src/payments/payments.decider.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import { SHIPPING_EVENT_TYPES, type ShippingEvent } from '../../src/shipping/shipping.decider.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';

export interface TimelineEntry {
  at: string;
  event: string;
  eventId: string;
  /** Global position, as a decimal string. */
  position: string;
  /** What caused it: a request id or the id of the event it answered. */
  causationId: string;
  detail?: Record<string, unknown>;
}

export interface OrderDetails extends ReadDocument {
  customerId: string;
  status: OrderStatus;
  cancellationReason?: CancellationReason;
  lines: (OrderLine & { reservation: 'pending' | 'reserved' | 'rejected' | 'released' | 'shipped' })[];
  total: Money;
  shippingAddress: ShippingAddress;
  payment: { id: string; status: 'none' | 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded'; declineReason?: string };
  shipment: { id: string; status: 'none' | 'created' | 'dispatched' | 'delivered' | 'cancelled'; trackingNumber?: string };
  placedAt: string;
  updatedAt: string;
  correlationId: string;
  /** Revision of the order stream (its ETag). */
  revision: number;
  timeline: TimelineEntry[];
}

type Relevant = OrderEvent | ReservationEvent | PaymentEvent | ShippingEvent;

export const orderDetailsProjection: DocumentProjection<OrderDetails, Relevant> = {
  name: 'order-details',
  version: 1,
  collection: { name: 'order_details_v1' },
  eventTypes: [...ORDER_EVENT_TYPES, ...RESERVATION_EVENT_TYPES, ...PAYMENT_EVENT_TYPES, ...SHIPPING_EVENT_TYPES],
  documentId: (event) => event.data.orderId,
  evolve(current, event) {
    const at = event.metadata.occurredAt;
    if (event.type === 'OrderPlaced') {
      const { orderId, customerId, lines, total, shippingAddress, paymentId, shipmentId } = event.data;
      return withEntry({
        _id: orderId, _position: Number(event.position), customerId, status: 'placed',
        lines: lines.map((line) => ({ ...line, reservation: 'pending' as const })), total, shippingAddress,
        payment: { id: paymentId, status: 'none' }, shipment: { id: shipmentId, status: 'none' },
        placedAt: at, updatedAt: at, correlationId: event.metadata.correlationId, revision: event.revision, timeline: [],
      }, event, { total });
    }
    if (!current) return null; // not an order this read model knows (cannot happen: OrderPlaced comes first)
    const doc: OrderDetails = { ...current, updatedAt: at };
    const line = (productId: string, reservation: OrderDetails['lines'][number]['reservation']) => {
      doc.lines = doc.lines.map((l) => (l.productId === productId ? { ...l, reservation } : l));
    };
    switch (event.type) {
      case 'OrderConfirmed':
        return withEntry({ ...doc, status: 'confirmed', revision: event.revision }, event);
      case 'OrderCancelled':
        return withEntry({ ...doc, status: 'cancelled', cancellationReason: event.data.reason, revision: event.revision }, event, { reason: event.data.reason });
      case 'OrderShipped':
        return withEntry({ ...doc, status: 'shipped', revision: event.revision }, event, { trackingNumber: event.data.trackingNumber });
      case 'OrderDelivered':
        return withEntry({ ...doc, status: 'delivered', revision: event.revision }, event);
      case 'StockReserved':
        line(event.data.productId, 'reserved');
        return withEntry(doc, event, { productId: event.data.productId, quantity: event.data.quantity });
      case 'StockReservationRejected':
        line(event.data.productId, 'rejected');
        return withEntry(doc, event, { productId: event.data.productId, quantity: event.data.quantity, available: event.data.available });
      case 'StockReleased':
        line(event.data.productId, 'released');
        return withEntry(doc, event, { productId: event.data.productId, quantity: event.data.quantity });
      case 'ReservedStockShipped':
        line(event.data.productId, 'shipped');
        return withEntry(doc, event, { productId: event.data.productId, quantity: event.data.quantity });
      case 'PaymentAuthorizationRequested':
        return withEntry({ ...doc, payment: { ...doc.payment, status: 'requested' } }, event, { amount: event.data.amount });
      case 'PaymentAuthorized':
        return withEntry({ ...doc, payment: { ...doc.payment, status: 'authorized' } }, event);
      case 'PaymentDeclined':
        return withEntry({ ...doc, payment: { ...doc.payment, status: 'declined', declineReason: event.data.reason } }, event, { reason: event.data.reason });
      case 'PaymentCaptured':
        return withEntry({ ...doc, payment: { ...doc.payment, status: 'captured' } }, event, { amount: event.data.amount });
      case 'PaymentVoided':
        return withEntry({ ...doc, payment: { ...doc.payment, status: 'voided' } }, event);
      case 'PaymentRefunded':
        return withEntry({ ...doc, payment: { ...doc.payment, status: 'refunded' } }, event, { amount: event.data.amount });
      case 'ShipmentCreated':
        return withEntry({ ...doc, shipment: { ...doc.shipment, status: 'created' } }, event);
      case 'ShipmentDispatched':
        return withEntry({ ...doc, shipment: { ...doc.shipment, status: 'dispatched', trackingNumber: event.data.trackingNumber } }, event, { trackingNumber: event.data.trackingNumber });
      case 'ShipmentDelivered':
        return withEntry({ ...doc, shipment: { ...doc.shipment, status: 'delivered' } }, event);
      case 'ShipmentCancelled':
        return withEntry({ ...doc, shipment: { ...doc.shipment, status: 'cancelled' } }, event);
      default:
        return unreachable(event);
    }
  },
};

function withEntry(doc: OrderDetails, recorded: RecordedEvent, detail?: Record<string, unknown>): OrderDetails {
  const entry: TimelineEntry = {
    at: recorded.metadata.occurredAt, event: recorded.type, eventId: recorded.eventId, position: recorded.position.toString(), causationId: recorded.metadata.causationId,
    ...(detail ? { detail } : {}),
  };
  return { ...doc, timeline: [...doc.timeline, entry] };
}
