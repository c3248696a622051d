// Ordering: a customer's order from placing to delivery or cancellation. Pure: events,
// commands, decide, evolve.
//
// The order stream is where "cancel" and "ship" meet, so it decides between them: a customer
// may cancel until the order is shipped, and an order is shipped only if it is confirmed and
// not cancelled. Whichever is appended first wins; the other is refused (409).
// Prices come in with the command (looked up in the catalogue when the order is placed) and
// are recorded in OrderPlaced, so a later price change never alters an order.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import type { Money } from '../money/money.js';
import { ERASED_ADDRESS, type PersonalDataOf } from '../decider/personal-data.js';

export const MAX_ORDER_LINES = 20;
export const MAX_LINE_QUANTITY = 1_000;
/** A payment token as the card processor hands it out (test mode: tok_ok, tok_declined, ...). */
export const PAYMENT_TOKEN_PATTERN = /^tok_[A-Za-z0-9_]{1,60}$/;

export interface OrderLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export type CancellationReason = 'out_of_stock' | 'payment_declined' | 'payment_timeout' | 'customer_request';

// ---- events ----
export type OrderPlaced = DomainEvent<
  'OrderPlaced',
  {
    orderId: string;
    customerId: string;
    lines: OrderLine[];
    total: Money;
    /** Ids allocated when the order is placed, so every step can name them deterministically. */
    paymentId: string;
    shipmentId: string;
    shippingAddress: ShippingAddress;
  }
>;
/** OrderPlaced v1 also carried the customer's payment token; v2 leaves it out of the log (ordering.upcasters.ts). */
export const ORDER_PLACED_VERSION = 2;
export type OrderConfirmed = DomainEvent<'OrderConfirmed', { orderId: string }>;
export type OrderCancelled = DomainEvent<'OrderCancelled', { orderId: string; reason: CancellationReason; previousStatus: OrderStatus }>;
export type OrderShipped = DomainEvent<'OrderShipped', { orderId: string; shipmentId: string; trackingNumber: string }>;
export type OrderDelivered = DomainEvent<'OrderDelivered', { orderId: string; shipmentId: string }>;
export type OrderEvent = OrderPlaced | OrderConfirmed | OrderCancelled | OrderShipped | OrderDelivered;

export const ORDER_EVENT_TYPES = eventTypes<OrderEvent>({ OrderPlaced: true, OrderConfirmed: true, OrderCancelled: true, OrderShipped: true, OrderDelivered: true });

/** The customer's shipping address, sealed under the customer's key (src/personal-data); amounts, lines and ids stay readable. */
export const ORDER_PERSONAL_DATA: PersonalDataOf<OrderEvent> = {
  OrderPlaced: { subject: (data) => data.customerId, erased: { shippingAddress: () => ERASED_ADDRESS } },
  OrderConfirmed: null,
  OrderCancelled: null,
  OrderShipped: null,
  OrderDelivered: null,
};

// ---- commands ----
/** What the catalogue said about a product when the order was placed; null: no such product. */
export type CatalogueEntry = { sku: string; name: string; price: Money } | null;

export type PlaceOrder = {
  type: 'PlaceOrder';
  orderId: string;
  customerId: string;
  lines: { productId: string; quantity: number }[];
  /** The per-order line cap in force (ORDER_MAX_LINE_QUANTITY), as data, so decide stays pure. */
  maxLineQuantity: number;
  /** The catalogue lookup for every line's product (an argument, so decide stays pure). */
  catalogue: Readonly<Record<string, CatalogueEntry>>;
  paymentId: string;
  shipmentId: string;
  /** Checked here, then held apart from the log (payments/payment-tokens): never in an event. */
  paymentToken: string;
  shippingAddress: ShippingAddress;
};
export type ConfirmOrder = { type: 'ConfirmOrder'; orderId: string };
/** customerId present: the customer asks (and must own the order); absent: the system decides. */
export type CancelOrder = { type: 'CancelOrder'; orderId: string; reason: CancellationReason; customerId?: string };
export type MarkOrderShipped = { type: 'MarkOrderShipped'; orderId: string; shipmentId: string; trackingNumber: string };
export type MarkOrderDelivered = { type: 'MarkOrderDelivered'; orderId: string };
export type OrderCommand = PlaceOrder | ConfirmOrder | CancelOrder | MarkOrderShipped | MarkOrderDelivered;

// ---- state ----
export type OrderStatus = 'placed' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';

export type OrderState =
  | { status: 'none' }
  | { status: OrderStatus; orderId: string; customerId: string; shipmentId: string; trackingNumber?: string };

const initialState: OrderState = { status: 'none' };

function existing(state: OrderState, orderId: string) {
  if (state.status === 'none') throw new DomainError('not_found', 'order_not_found', `Order ${orderId} does not exist`);
  return state;
}

function placeOrder(command: PlaceOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'none') throw new DomainError('conflict', 'order_already_placed', `Order ${command.orderId} is already placed`);
  if (command.lines.length === 0 || command.lines.length > MAX_ORDER_LINES) {
    throw new DomainError('invalid', 'invalid_order_lines', `An order has between 1 and ${MAX_ORDER_LINES} lines`);
  }
  if (!PAYMENT_TOKEN_PATTERN.test(command.paymentToken)) {
    throw new DomainError('invalid', 'invalid_payment_token', 'paymentToken must look like tok_...');
  }
  const seen = new Set<string>();
  const lines: OrderLine[] = command.lines.map(({ productId, quantity }) => {
    if (seen.has(productId)) throw new DomainError('invalid', 'duplicate_order_line', `Product ${productId} appears on two lines; order it once with the total quantity`);
    seen.add(productId);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      throw new DomainError('invalid', 'invalid_quantity', `quantity must be a whole number between 1 and ${MAX_LINE_QUANTITY}`);
    }
    if (quantity > command.maxLineQuantity) {
      throw new DomainError('invalid', 'line_quantity_over_limit', `At most ${command.maxLineQuantity} units of a product per order`);
    }
    const product = command.catalogue[productId];
    if (!product) throw new DomainError('invalid', 'unknown_product', `Product ${productId} is not in the catalogue`);
    return { productId, sku: product.sku, name: product.name, quantity, unitPrice: product.price };
  });
  const currency = lines[0]!.unitPrice.currency;
  if (lines.some((line) => line.unitPrice.currency !== currency)) {
    throw new DomainError('invalid', 'mixed_currencies', 'All products of an order must be priced in one currency');
  }
  const total = { amount: lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0), currency };
  const { orderId, customerId, paymentId, shipmentId, shippingAddress } = command;
  return [{ type: 'OrderPlaced', schemaVersion: ORDER_PLACED_VERSION, data: { orderId, customerId, lines, total, paymentId, shipmentId, shippingAddress } }];
}

function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmOrder': {
      const order = existing(state, command.orderId);
      if (order.status === 'cancelled') throw new DomainError('conflict', 'order_cancelled', `Order ${command.orderId} is cancelled`);
      if (order.status !== 'placed') return []; // confirmed already
      return [{ type: 'OrderConfirmed', data: { orderId: command.orderId } }];
    }
    case 'CancelOrder': {
      const order = existing(state, command.orderId);
      // A customer sees only their own orders: someone else's is "not found", not "forbidden".
      if (command.customerId !== undefined && command.customerId !== order.customerId) {
        throw new DomainError('not_found', 'order_not_found', `Order ${command.orderId} does not exist`);
      }
      if (order.status === 'cancelled') return [];
      if (order.status === 'shipped' || order.status === 'delivered') {
        throw new DomainError('conflict', 'order_already_shipped', `Order ${command.orderId} has been dispatched and can no longer be cancelled`);
      }
      return [{ type: 'OrderCancelled', data: { orderId: command.orderId, reason: command.reason, previousStatus: order.status } }];
    }
    case 'MarkOrderShipped': {
      const order = existing(state, command.orderId);
      const trackingNumber = command.trackingNumber.trim();
      if (trackingNumber.length === 0 || trackingNumber.length > 64) {
        throw new DomainError('invalid', 'invalid_tracking_number', 'trackingNumber must be 1-64 characters');
      }
      if (order.status === 'cancelled') throw new DomainError('conflict', 'order_cancelled', `Order ${command.orderId} is cancelled: do not dispatch it`);
      if (order.status === 'placed') throw new DomainError('conflict', 'order_not_confirmed', `Order ${command.orderId} is not confirmed yet`);
      if (order.status === 'shipped' || order.status === 'delivered') {
        if (order.trackingNumber === trackingNumber) return [];
        throw new DomainError('conflict', 'order_already_shipped', `Order ${command.orderId} was dispatched with another tracking number`);
      }
      return [{ type: 'OrderShipped', data: { orderId: command.orderId, shipmentId: command.shipmentId, trackingNumber } }];
    }
    case 'MarkOrderDelivered': {
      const order = existing(state, command.orderId);
      if (order.status === 'delivered') return [];
      if (order.status !== 'shipped') throw new DomainError('conflict', 'order_not_shipped', `Order ${command.orderId} has not been dispatched`);
      return [{ type: 'OrderDelivered', data: { orderId: command.orderId, shipmentId: order.shipmentId } }];
    }
    default:
      return unreachable(command);
  }
}

function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced':
      return { status: 'placed', orderId: event.data.orderId, customerId: event.data.customerId, shipmentId: event.data.shipmentId };
    case 'OrderConfirmed':
      return state.status === 'none' ? state : { ...state, status: 'confirmed' };
    case 'OrderCancelled':
      return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    case 'OrderShipped':
      return state.status === 'none' ? state : { ...state, status: 'shipped', trackingNumber: event.data.trackingNumber };
    case 'OrderDelivered':
      return state.status === 'none' ? state : { ...state, status: 'delivered' };
    default:
      return unreachable(event);
  }
}

export const orderingDecider: Decider<OrderCommand, OrderEvent, OrderState> = { initialState, decide, evolve };

export const orderStreamId = (orderId: string) => `order-${orderId}`;
