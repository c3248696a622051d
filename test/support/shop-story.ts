// Events of every context for projection specs: small builders, and one story of a shop's day
// (products stocked, users registered, an order delivered, another cancelled for want of
// payment, a third still open) that the cross-projection property replays.
import type { ReservedStockShipped, StockReleased, StockReserved, InventoryEvent } from '../../src/inventory/inventory.decider.js';
import type { Money } from '../../src/money/money.js';
import type { OrderEvent, OrderPlaced } from '../../src/ordering/ordering.decider.js';
import type { PaymentEvent } from '../../src/payments/payments.decider.js';
import type { ShippingEvent } from '../../src/shipping/shipping.decider.js';
import type { UserEvent } from '../../src/identity/users.decider.js';
import type { FulfillmentEvent } from '../../src/fulfillment/fulfillment.decider.js';
import { inStream, type Given } from './projection-spec.js';

export const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
export const MUG = 'product-mug';
export const CUP = 'product-cup';
export const ADDRESS = { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' };

// ---- inventory ----
export const productRegistered = (productId = MUG, sku = 'MUG', price = eur(1000)): InventoryEvent =>
  ({ type: 'ProductRegistered', data: { productId, sku, name: sku.toLowerCase(), price } });
export const stockReceived = (quantity: number, productId = MUG): InventoryEvent =>
  ({ type: 'StockReceived', data: { productId, quantity, deliveryReference: 'PO-1' } });
export const stockAdjusted = (quantityChange: number, productId = MUG): InventoryEvent =>
  ({ type: 'StockAdjusted', data: { productId, quantityChange, reason: 'count' } });
export const priceChanged = (price: Money, previousPrice: Money, productId = MUG): InventoryEvent =>
  ({ type: 'PriceChanged', data: { productId, price, previousPrice } });
export const stockReserved = (quantity: number, orderId: string, productId = MUG): StockReserved =>
  ({ type: 'StockReserved', data: { productId, orderId, quantity } });
export const reservationRejected = (quantity: number, available: number, orderId: string, productId = MUG): InventoryEvent =>
  ({ type: 'StockReservationRejected', data: { productId, orderId, quantity, available } });
export const stockReleased = (quantity: number, orderId: string, productId = MUG): StockReleased =>
  ({ type: 'StockReleased', data: { productId, orderId, quantity } });
export const reservedStockShipped = (quantity: number, orderId: string, productId = MUG): ReservedStockShipped =>
  ({ type: 'ReservedStockShipped', data: { productId, orderId, quantity } });

// ---- ordering ----
export const orderPlaced = (orderId: string, customerId = 'customer-1', quantity = 2): OrderPlaced => ({
  type: 'OrderPlaced',
  data: {
    orderId, customerId, paymentId: `payment-${orderId}`, shipmentId: `shipment-${orderId}`, shippingAddress: ADDRESS,
    total: eur(1000 * quantity), lines: [{ productId: MUG, sku: 'MUG', name: 'mug', quantity, unitPrice: eur(1000) }],
  },
});
export const orderConfirmed = (orderId: string): OrderEvent => ({ type: 'OrderConfirmed', data: { orderId } });
export const orderCancelled = (orderId: string): OrderEvent => ({ type: 'OrderCancelled', data: { orderId, reason: 'payment_timeout', previousStatus: 'placed' } });
export const orderShipped = (orderId: string): OrderEvent => ({ type: 'OrderShipped', data: { orderId, shipmentId: `shipment-${orderId}`, trackingNumber: 'TRACK-1' } });
export const orderDelivered = (orderId: string): OrderEvent => ({ type: 'OrderDelivered', data: { orderId, shipmentId: `shipment-${orderId}` } });

// ---- payments ----
export const paymentRequested = (orderId: string, amount = eur(2000)): PaymentEvent =>
  ({ type: 'PaymentAuthorizationRequested', data: { paymentId: `payment-${orderId}`, orderId, amount } });
export const paymentAuthorized = (orderId: string, amount = eur(2000)): PaymentEvent =>
  ({ type: 'PaymentAuthorized', data: { paymentId: `payment-${orderId}`, orderId, amount, authorizationCode: 'auth-1' } });
export const paymentDeclined = (orderId: string): PaymentEvent => ({ type: 'PaymentDeclined', data: { paymentId: `payment-${orderId}`, orderId, reason: 'insufficient_funds' } });
export const paymentCaptured = (orderId: string, amount = eur(2000)): PaymentEvent =>
  ({ type: 'PaymentCaptured', data: { paymentId: `payment-${orderId}`, orderId, amount, captureId: 'capture-1' } });

// ---- shipping ----
export const shipmentCreated = (orderId: string): ShippingEvent =>
  ({ type: 'ShipmentCreated', data: { shipmentId: `shipment-${orderId}`, orderId, customerId: 'customer-1', lines: [{ productId: MUG, quantity: 2 }], shippingAddress: ADDRESS } });
export const shipmentDispatched = (orderId: string): ShippingEvent => ({ type: 'ShipmentDispatched', data: { shipmentId: `shipment-${orderId}`, orderId, trackingNumber: 'TRACK-1' } });
export const shipmentDelivered = (orderId: string): ShippingEvent => ({ type: 'ShipmentDelivered', data: { shipmentId: `shipment-${orderId}`, orderId } });

// ---- identity ----
export const userRegistered = (userId: string, email: string): UserEvent =>
  ({ type: 'UserRegistered', data: { userId, email, roles: ['customer'], credentialId: 'hash' } });
export const roleGranted = (userId: string): UserEvent => ({ type: 'RoleGranted', data: { userId, role: 'staff' } });
export const roleRevoked = (userId: string): UserEvent => ({ type: 'RoleRevoked', data: { userId, role: 'customer' } });
export const userDisabled = (userId: string): UserEvent => ({ type: 'UserDisabled', data: { userId, reason: 'left' } });

// ---- the fulfillment saga's deadlines ----
const step = (orderId: string) => ({ orderId, trigger: { eventId: `trigger-${orderId}`, type: 'OrderPlaced' }, commands: [] });
export const DUE_AT = '2026-12-01T10:15:00.000Z';
export const deadlineScheduled = (orderId: string): FulfillmentEvent => ({ type: 'PaymentDeadlineScheduled', data: { ...step(orderId), dueAt: DUE_AT } });
export const deadlineCleared = (orderId: string): FulfillmentEvent => ({ type: 'PaymentDeadlineCleared', data: { ...step(orderId), dueAt: DUE_AT } });
export const deadlineExpired = (orderId: string): FulfillmentEvent => ({ type: 'PaymentDeadlineExpired', data: { ...step(orderId), dueAt: DUE_AT } });

/** A day of the shop, in the order its streams were appended to. */
export function shopStory(): Given[] {
  return [
    ...inStream(`product-${MUG}`, productRegistered(), stockReceived(10)),
    ...inStream(`product-${CUP}`, productRegistered(CUP, 'CUP', eur(500)), stockReceived(3, CUP)),
    ...inStream('user-ada', userRegistered('user-ada', 'ada@example.com')),
    ...inStream('user-bob', userRegistered('user-bob', 'bob@example.com'), roleGranted('user-bob')),
    ...inStream('order-o1', orderPlaced('o1')),
    ...inStream('fulfillment-o1', deadlineScheduled('o1')),
    ...inStream(`product-${MUG}`, stockReserved(2, 'o1')),
    ...inStream('payment-payment-o1', paymentRequested('o1')),
    ...inStream('order-o2', orderPlaced('o2', 'customer-2', 1)),
    ...inStream('fulfillment-o2', deadlineScheduled('o2')),
    ...inStream(`product-${MUG}`, stockReserved(1, 'o2')),
    ...inStream('payment-payment-o2', paymentRequested('o2', eur(1000))),
    ...inStream('payment-payment-o1', paymentAuthorized('o1')),
    ...inStream('fulfillment-o1', deadlineCleared('o1')),
    ...inStream('order-o1', orderConfirmed('o1')),
    ...inStream('payment-payment-o1', paymentCaptured('o1')),
    ...inStream('shipment-shipment-o1', shipmentCreated('o1'), shipmentDispatched('o1')),
    ...inStream(`product-${MUG}`, reservedStockShipped(2, 'o1')),
    ...inStream('order-o1', orderShipped('o1')),
    ...inStream('fulfillment-o2', deadlineExpired('o2')),
    ...inStream(`product-${MUG}`, stockReleased(1, 'o2'), priceChanged(eur(1200), eur(1000)), stockAdjusted(-1)),
    ...inStream('order-o2', orderCancelled('o2')),
    ...inStream('payment-payment-o2', paymentDeclined('o2')),
    ...inStream('shipment-shipment-o1', shipmentDelivered('o1')),
    ...inStream('order-o1', orderDelivered('o1')),
    ...inStream('user-ada', roleRevoked('user-ada'), userDisabled('user-ada')),
    // Still open at the end of the day: waiting for the payment processor, its deadline armed.
    ...inStream('order-o3', orderPlaced('o3', 'customer-1', 1)),
    ...inStream('fulfillment-o3', deadlineScheduled('o3')),
    ...inStream('payment-payment-o3', paymentRequested('o3', eur(1000))),
  ];
}
