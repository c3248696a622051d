import { describe, it } from '@jest/globals';
import { CORRELATION_ID, inStream, occurredAt, projectionSpec } from '../../test/support/projection-spec.js';
import {
  ADDRESS, eur, MUG, orderConfirmed, orderPlaced, orderShipped, paymentAuthorized, paymentRequested, reservedStockShipped, shipmentCreated, shipmentDispatched, stockReserved,
} from '../../test/support/shop-story.js';
import { orderDetailsProjection, type TimelineEntry } from './order-details.projection.js';

const spec = projectionSpec(orderDetailsProjection);
const entry = (position: number, event: string, detail?: Record<string, unknown>): TimelineEntry => ({
  at: occurredAt(position), event, eventId: `event-${position}`, position: String(position), causationId: `cause-${position}`, ...(detail ? { detail } : {}),
});

describe('order-details projection', () => {
  it('follows an order through its reservation, payment and shipment, with a timeline of every step', () => {
    spec.given(
      ...inStream('order-o1', orderPlaced('o1')),
      ...inStream(`product-${MUG}`, stockReserved(2, 'o1')),
      ...inStream('payment-payment-o1', paymentRequested('o1'), paymentAuthorized('o1')),
      ...inStream('order-o1', orderConfirmed('o1')),
      ...inStream('shipment-shipment-o1', shipmentCreated('o1'), shipmentDispatched('o1')),
      ...inStream(`product-${MUG}`, reservedStockShipped(2, 'o1')),
      ...inStream('order-o1', orderShipped('o1')),
    ).then({
      _id: 'o1', _position: 9, customerId: 'customer-1', status: 'shipped', total: eur(2000), shippingAddress: ADDRESS,
      lines: [{ productId: MUG, sku: 'MUG', name: 'mug', quantity: 2, unitPrice: eur(1000), reservation: 'shipped' }],
      payment: { id: 'payment-o1', status: 'authorized' },
      shipment: { id: 'shipment-o1', status: 'dispatched', trackingNumber: 'TRACK-1' },
      placedAt: occurredAt(1), updatedAt: occurredAt(9), correlationId: CORRELATION_ID, revision: 2,
      timeline: [
        entry(1, 'OrderPlaced', { total: eur(2000) }),
        entry(2, 'StockReserved', { productId: MUG, quantity: 2 }),
        entry(3, 'PaymentAuthorizationRequested', { amount: eur(2000) }),
        entry(4, 'PaymentAuthorized'),
        entry(5, 'OrderConfirmed'),
        entry(6, 'ShipmentCreated'),
        entry(7, 'ShipmentDispatched', { trackingNumber: 'TRACK-1' }),
        entry(8, 'ReservedStockShipped', { productId: MUG, quantity: 2 }),
        entry(9, 'OrderShipped', { trackingNumber: 'TRACK-1' }),
      ],
    });
  });

  it('keeps nothing for steps of an order it never saw placed', () => {
    spec.given(...inStream(`product-${MUG}`, stockReserved(2, 'o9')), ...inStream('payment-payment-o9', paymentRequested('o9'))).thenNothing();
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...inStream('order-o1', orderPlaced('o1')), ...inStream(`product-${MUG}`, stockReserved(2, 'o1')), ...inStream('order-o1', orderConfirmed('o1')))
      .thenSameWhenAppliedTwice();
  });
});
