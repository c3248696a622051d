import { describe, it } from '@jest/globals';
import { inStream, occurredAt, projectionSpec } from '../../test/support/projection-spec.js';
import { eur, orderCancelled, orderConfirmed, orderDelivered, orderPlaced, orderShipped } from '../../test/support/shop-story.js';
import { customerOrdersProjection } from './customer-orders.projection.js';

const spec = projectionSpec(customerOrdersProjection);

describe('customer-orders projection', () => {
  it('lists each order of a customer with its status, keyed by the position it was placed at', () => {
    spec.given(
      ...inStream('order-o1', orderPlaced('o1', 'customer-1', 3)),
      ...inStream('order-o2', orderPlaced('o2', 'customer-2', 1)),
      ...inStream('order-o1', orderConfirmed('o1'), orderShipped('o1'), orderDelivered('o1')),
      ...inStream('order-o2', orderCancelled('o2')),
    ).then(
      { _id: 'o1', _position: 5, customerId: 'customer-1', status: 'delivered', shipmentId: 'shipment-o1', total: eur(3000), lineCount: 1, placedAt: occurredAt(1), placedPosition: 1 },
      { _id: 'o2', _position: 6, customerId: 'customer-2', status: 'cancelled', shipmentId: 'shipment-o2', total: eur(1000), lineCount: 1, placedAt: occurredAt(2), placedPosition: 2 },
    );
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...inStream('order-o1', orderPlaced('o1'), orderConfirmed('o1'))).thenSameWhenAppliedTwice();
  });
});
