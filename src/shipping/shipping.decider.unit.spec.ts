import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../test/support/decider-spec.js';
import { shippingDecider, type ShippingEvent } from './shipping.decider.js';

const shipmentId = 'c0000000-0000-4000-8000-000000000001';
const orderId = 'a0000000-0000-4000-8000-000000000001';
const address = { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' };
const lines = [{ productId: 'd0000000-0000-4000-8000-000000000001', quantity: 2 }];
const created: ShippingEvent = { type: 'ShipmentCreated', data: { shipmentId, orderId, customerId: 'cust-1', lines, shippingAddress: address } };
const dispatched: ShippingEvent = { type: 'ShipmentDispatched', data: { shipmentId, orderId, trackingNumber: 'TRACK-1' } };
const cancelled: ShippingEvent = { type: 'ShipmentCancelled', data: { shipmentId, orderId } };
const spec = deciderSpec(shippingDecider);
const dispatch = { type: 'DispatchShipment' as const, shipmentId, trackingNumber: 'TRACK-1' };
const deliver = { type: 'DeliverShipment' as const, shipmentId };
const cancel = { type: 'CancelShipment' as const, shipmentId };

describe('shipping decider', () => {
  it('creates a shipment once', () => {
    const create = { type: 'CreateShipment' as const, shipmentId, orderId, customerId: 'cust-1', lines, shippingAddress: address };
    spec.given().when(create).then(created);
    spec.given(created).when(create).thenNothing();
  });
  it('dispatches once with a tracking number', () => {
    spec.given(created).when(dispatch).then(dispatched);
    spec.given(created, dispatched).when(dispatch).thenNothing();
    spec.given(created, dispatched).when({ ...dispatch, trackingNumber: 'OTHER' }).thenError('shipment_already_dispatched');
    spec.given(created).when({ ...dispatch, trackingNumber: 'no spaces' }).thenError('invalid_tracking_number');
    spec.given().when(dispatch).thenError('shipment_not_found');
  });
  it('never dispatches a cancelled shipment, never cancels a dispatched one', () => {
    spec.given(created, cancelled).when(dispatch).thenError('shipment_cancelled');
    spec.given(created, dispatched).when(cancel).thenError('shipment_already_dispatched');
    spec.given(created).when(cancel).then(cancelled);
    spec.given(created, cancelled).when(cancel).thenNothing();
  });
  it('delivers only what was dispatched', () => {
    spec.given(created, dispatched).when(deliver).then({ type: 'ShipmentDelivered', data: { shipmentId, orderId } });
    spec.given(created).when(deliver).thenError('shipment_not_dispatched');
  });
});
