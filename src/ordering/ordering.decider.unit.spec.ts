import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../test/support/decider-spec.js';
import { orderingDecider, type OrderEvent, type PlaceOrder } from './ordering.decider.js';

const orderId = 'a0000000-0000-4000-8000-000000000001';
const mug = 'd0000000-0000-4000-8000-000000000001';
const cup = 'd0000000-0000-4000-8000-000000000002';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const address = { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' };
const ids = { paymentId: 'b0000000-0000-4000-8000-000000000001', shipmentId: 'c0000000-0000-4000-8000-000000000001' };

const place: PlaceOrder = {
  type: 'PlaceOrder', orderId, customerId: 'cust-1', ...ids, paymentToken: 'tok_ok', shippingAddress: address, maxLineQuantity: 1000,
  lines: [{ productId: mug, quantity: 2 }, { productId: cup, quantity: 1 }],
  catalogue: { [mug]: { sku: 'MUG', name: 'Mug', price: eur(1000) }, [cup]: { sku: 'CUP', name: 'Cup', price: eur(1500) } },
};
const placed: OrderEvent = {
  type: 'OrderPlaced',
  schemaVersion: 2,
  data: {
    orderId, customerId: 'cust-1', ...ids, shippingAddress: address, total: eur(3500),
    lines: [
      { productId: mug, sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: eur(1000) },
      { productId: cup, sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: eur(1500) },
    ],
  },
};
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { orderId } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, shipmentId: ids.shipmentId, trackingNumber: 'TRACK-1' } };
const cancelledEvent = (previousStatus: 'placed' | 'confirmed', reason: 'customer_request' | 'out_of_stock' = 'customer_request'): OrderEvent =>
  ({ type: 'OrderCancelled', data: { orderId, reason, previousStatus } });

const spec = deciderSpec(orderingDecider);
const cancel = { type: 'CancelOrder' as const, orderId, reason: 'customer_request' as const, customerId: 'cust-1' };
const ship = { type: 'MarkOrderShipped' as const, orderId, shipmentId: ids.shipmentId, trackingNumber: 'TRACK-1' };

describe('ordering decider', () => {
  describe('PlaceOrder', () => {
    it('records the lines with the catalogue prices and the total', () => {
      spec.given().when(place).then(placed);
    });
    it('refuses an unknown product, a duplicate line, a bad quantity and too many or no lines', () => {
      spec.given().when({ ...place, catalogue: { [mug]: place.catalogue[mug]!, [cup]: null } }).thenError('unknown_product');
      spec.given().when({ ...place, lines: [{ productId: mug, quantity: 1 }, { productId: mug, quantity: 1 }] }).thenError('duplicate_order_line');
      spec.given().when({ ...place, lines: [{ productId: mug, quantity: 0 }] }).thenError('invalid_quantity');
      spec.given().when({ ...place, lines: [{ productId: mug, quantity: 1.5 }] }).thenError('invalid_quantity');
      spec.given().when({ ...place, lines: [] }).thenError('invalid_order_lines');
    });
    it('refuses a line over the per-order line cap that comes with the command, and takes one at the cap', () => {
      spec.given().when({ ...place, maxLineQuantity: 2, lines: [{ productId: mug, quantity: 3 }] }).thenError('line_quantity_over_limit');
      spec.given().when({ ...place, maxLineQuantity: 2 }).then(placed);
    });
    it('refuses products priced in different currencies', () => {
      spec.given().when({ ...place, catalogue: { ...place.catalogue, [cup]: { sku: 'CUP', name: 'Cup', price: { amount: 1, currency: 'USD' } } } }).thenError('mixed_currencies');
    });
    it('refuses a malformed payment token and a second placing', () => {
      spec.given().when({ ...place, paymentToken: 'visa 4242' }).thenError('invalid_payment_token');
      spec.given(placed).when(place).thenError('order_already_placed');
    });
  });

  describe('ConfirmOrder', () => {
    it('confirms a placed order once', () => {
      spec.given(placed).when({ type: 'ConfirmOrder', orderId }).then(confirmed);
      spec.given(placed, confirmed).when({ type: 'ConfirmOrder', orderId }).thenNothing();
    });
    it('never confirms a cancelled order', () => {
      spec.given(placed, cancelledEvent('placed')).when({ type: 'ConfirmOrder', orderId }).thenError('order_cancelled');
    });
  });

  describe('CancelOrder', () => {
    it('cancels a placed or confirmed order, recording why and from where', () => {
      spec.given(placed).when(cancel).then(cancelledEvent('placed'));
      spec.given(placed, confirmed).when(cancel).then(cancelledEvent('confirmed'));
    });
    it('cancelling twice records nothing', () => {
      spec.given(placed, cancelledEvent('placed', 'out_of_stock')).when(cancel).thenNothing();
    });
    it('refuses once the order is dispatched', () => {
      spec.given(placed, confirmed, shipped).when(cancel).thenError('order_already_shipped');
    });
    it("answers 'not found' for someone else's order", () => {
      spec.given(placed).when({ ...cancel, customerId: 'cust-2' }).thenError('order_not_found');
      spec.given().when(cancel).thenError('order_not_found');
    });
  });

  describe('MarkOrderShipped and MarkOrderDelivered', () => {
    it('ships a confirmed order once, with its tracking number', () => {
      spec.given(placed, confirmed).when(ship).then(shipped);
      spec.given(placed, confirmed, shipped).when(ship).thenNothing();
      spec.given(placed, confirmed, shipped).when({ ...ship, trackingNumber: 'OTHER' }).thenError('order_already_shipped');
    });
    it('never ships a cancelled or unconfirmed order', () => {
      spec.given(placed, confirmed, cancelledEvent('confirmed')).when(ship).thenError('order_cancelled');
      spec.given(placed).when(ship).thenError('order_not_confirmed');
    });
    it('delivers only a shipped order', () => {
      spec.given(placed, confirmed, shipped).when({ type: 'MarkOrderDelivered', orderId }).then({ type: 'OrderDelivered', data: { orderId, shipmentId: ids.shipmentId } });
      spec.given(placed, confirmed).when({ type: 'MarkOrderDelivered', orderId }).thenError('order_not_shipped');
    });
  });
});
