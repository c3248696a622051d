// A customer's orders, newest first, for GET /v1/orders: small documents indexed by customer, and
// by status for staff's lists of work to do (?status=awaiting-dispatch). v2 added the shipment id
// (a summary leads to the shipment to dispatch) and the status index.
import { unreachable } from '../../src/decider/decider.js';
import type { Money } from '../../src/money/money.js';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderStatus } from '../../src/ordering/ordering.decider.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';

export interface CustomerOrder extends ReadDocument {
  customerId: string;
  status: OrderStatus;
  /** The shipment the saga creates for this order (dispatch and delivery act on it). */
  shipmentId: string;
  total: Money;
  lineCount: number;
  placedAt: string;
  /** Position of OrderPlaced: the order of the listing and its cursor. */
  placedPosition: number;
}

export const customerOrdersProjection: DocumentProjection<CustomerOrder, OrderEvent> = {
  name: 'customer-orders',
  version: 2,
  collection: { name: 'customer_orders_v2', indexes: [{ fields: { customerId: 1, placedPosition: -1 } }, { fields: { status: 1, placedPosition: -1 } }] },
  eventTypes: ORDER_EVENT_TYPES,
  documentId: (event) => event.data.orderId,
  evolve(current, event) {
    const position = Number(event.position);
    switch (event.type) {
      case 'OrderPlaced': {
        const { orderId, customerId, shipmentId, total, lines } = event.data;
        return {
          _id: orderId, _position: position, customerId, status: 'placed', shipmentId, total, lineCount: lines.length,
          placedAt: event.metadata.occurredAt, placedPosition: position,
        };
      }
      case 'OrderConfirmed':
        return current && { ...current, status: 'confirmed' };
      case 'OrderCancelled':
        return current && { ...current, status: 'cancelled' };
      case 'OrderShipped':
        return current && { ...current, status: 'shipped' };
      case 'OrderDelivered':
        return current && { ...current, status: 'delivered' };
      default:
        return unreachable(event);
    }
  },
};
