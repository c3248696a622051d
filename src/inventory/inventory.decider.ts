// Inventory: a product with its stock on hand and its price. Pure: events, commands, decide, evolve.
//
// Invariants:
// - stock on hand never goes negative, and neither does available stock (on hand minus
//   reserved): decide refuses an adjustment or a reservation that would;
// - reservations are per order and idempotent: an order reserves a product once; releasing
//   or committing (shipping) a reservation happens at most once, and only to a reservation
//   that is held. So reserved + available + shipped = received + adjustments, always;
// - a price is a positive amount of minor units in an ISO 4217 currency;
// - a SKU belongs to one product. The product id is derived from the SKU (see product-id.ts),
//   so registering a SKU twice means appending to the same stream with expected revision
//   "no stream": the event store lets exactly one writer win, with no window for a race,
//   on SQLite and EventStoreDB alike. The loser re-decides against the registered product
//   and gets `sku_already_registered`.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import type { PersonalDataOf } from '../decider/personal-data.js';
import { positiveMoney, sameMoney, type Money } from '../money/money.js';

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
export const MAX_QUANTITY = 1_000_000;

// ---- events ----
export type ProductRegistered = DomainEvent<'ProductRegistered', { productId: string; sku: string; name: string; price: Money }>;
/**
 * Schema version 2 (STOCK_RECEIVED_VERSION): the supplier's delivery reference is named
 * `deliveryReference`. Version 1, stored until then, called it `reference`; it is upcast on
 * read (inventory.upcasters.ts), so this is the only shape decide, evolve and projections see.
 */
export type StockReceived = DomainEvent<'StockReceived', { productId: string; quantity: number; deliveryReference: string }>;
export const STOCK_RECEIVED_VERSION = 2;
export type StockAdjusted = DomainEvent<'StockAdjusted', { productId: string; quantityChange: number; reason: string }>;
export type PriceChanged = DomainEvent<'PriceChanged', { productId: string; price: Money; previousPrice: Money }>;
export type StockReserved = DomainEvent<'StockReserved', { productId: string; orderId: string; quantity: number }>;
export type StockReservationRejected = DomainEvent<'StockReservationRejected', { productId: string; orderId: string; quantity: number; available: number }>;
export type StockReleased = DomainEvent<'StockReleased', { productId: string; orderId: string; quantity: number }>;
/** A reservation left the warehouse: on hand and reserved both drop by its quantity. */
export type ReservedStockShipped = DomainEvent<'ReservedStockShipped', { productId: string; orderId: string; quantity: number }>;
export type ReservationEvent = StockReserved | StockReservationRejected | StockReleased | ReservedStockShipped;
export type InventoryEvent = ProductRegistered | StockReceived | StockAdjusted | PriceChanged | ReservationEvent;

export const RESERVATION_EVENT_TYPES = eventTypes<ReservationEvent>({
  StockReserved: true, StockReservationRejected: true, StockReleased: true, ReservedStockShipped: true,
});
export const INVENTORY_EVENT_TYPES = eventTypes<InventoryEvent>({
  ProductRegistered: true, StockReceived: true, StockAdjusted: true, PriceChanged: true,
  StockReserved: true, StockReservationRejected: true, StockReleased: true, ReservedStockShipped: true,
});

/** Products, stock and prices hold no personal data (src/personal-data); a product's name is not a person's. */
export const INVENTORY_PERSONAL_DATA: PersonalDataOf<InventoryEvent> = {
  ProductRegistered: null, StockReceived: null, StockAdjusted: null, PriceChanged: null,
  StockReserved: null, StockReservationRejected: null, StockReleased: null, ReservedStockShipped: null,
};

// ---- commands ----
export type RegisterProduct = { type: 'RegisterProduct'; productId: string; sku: string; name: string; price: Money };
export type ReceiveStock = { type: 'ReceiveStock'; productId: string; quantity: number; reference: string };
export type AdjustStock = { type: 'AdjustStock'; productId: string; quantityChange: number; reason: string };
export type ChangePrice = { type: 'ChangePrice'; productId: string; price: Money };
export type ReserveStock = { type: 'ReserveStock'; productId: string; orderId: string; quantity: number };
export type ReleaseStock = { type: 'ReleaseStock'; productId: string; orderId: string };
export type CommitReservation = { type: 'CommitReservation'; productId: string; orderId: string };
export type ReservationCommand = ReserveStock | ReleaseStock | CommitReservation;
export type InventoryCommand = RegisterProduct | ReceiveStock | AdjustStock | ChangePrice | ReservationCommand;

// ---- state ----
export interface Reservation {
  quantity: number;
  status: 'reserved' | 'rejected' | 'released' | 'shipped';
}

export type ProductState =
  | { status: 'unregistered' }
  | {
      status: 'registered'; productId: string; sku: string; name: string; price: Money;
      /** Units in the warehouse, reserved or not. */
      onHand: number;
      /** Units held for orders (a part of onHand). */
      reserved: number;
      /** Every order that asked for this product, by order id. */
      reservations: Readonly<Record<string, Reservation>>;
    };

const initialState: ProductState = { status: 'unregistered' };

function registered(state: ProductState, productId: string) {
  if (state.status !== 'registered') {
    throw new DomainError('not_found', 'product_not_found', `Product ${productId} does not exist`);
  }
  return state;
}

function quantity(value: number, field: string, { allowNegative }: { allowNegative: boolean }): number {
  const ok = Number.isInteger(value) && Math.abs(value) <= MAX_QUANTITY && (allowNegative ? value !== 0 : value > 0);
  if (!ok) {
    const rule = allowNegative ? 'a non-zero whole number' : 'a positive whole number';
    throw new DomainError('invalid', 'invalid_quantity', `${field} must be ${rule} of at most ${MAX_QUANTITY}`);
  }
  return value;
}

function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    throw new DomainError('invalid', `invalid_${field}`, `${field} must be between 1 and ${max} characters`);
  }
  return trimmed;
}

function decide(command: InventoryCommand, state: ProductState): InventoryEvent[] {
  switch (command.type) {
    case 'RegisterProduct': {
      if (state.status === 'registered') {
        throw new DomainError('conflict', 'sku_already_registered', `SKU ${state.sku} is already registered`);
      }
      if (!SKU_PATTERN.test(command.sku)) {
        throw new DomainError('invalid', 'invalid_sku', 'SKU must be 1-64 characters: A-Z, 0-9, ".", "_" or "-", starting with a letter or digit');
      }
      const name = text(command.name, 'name', 200);
      const price = positiveMoney(command.price);
      return [{ type: 'ProductRegistered', data: { productId: command.productId, sku: command.sku, name, price } }];
    }
    case 'ReceiveStock': {
      registered(state, command.productId);
      const received = quantity(command.quantity, 'quantity', { allowNegative: false });
      const reference = text(command.reference, 'reference', 200);
      return [{ type: 'StockReceived', schemaVersion: STOCK_RECEIVED_VERSION, data: { productId: command.productId, quantity: received, deliveryReference: reference } }];
    }
    case 'AdjustStock': {
      const product = registered(state, command.productId);
      const change = quantity(command.quantityChange, 'quantityChange', { allowNegative: true });
      const reason = text(command.reason, 'reason', 500);
      if (product.onHand + change < 0) {
        throw new DomainError('conflict', 'insufficient_stock', `Cannot remove ${-change} units: only ${product.onHand} on hand`);
      }
      // Reserved units are promised to orders: an adjustment may only take available ones.
      if (product.onHand + change < product.reserved) {
        throw new DomainError('conflict', 'insufficient_stock', `Cannot remove ${-change} units: ${product.reserved} of ${product.onHand} on hand are reserved`);
      }
      return [{ type: 'StockAdjusted', data: { productId: command.productId, quantityChange: change, reason } }];
    }
    case 'ChangePrice': {
      const product = registered(state, command.productId);
      const price = positiveMoney(command.price);
      // Setting the price it already has records nothing: there is no fact to remember.
      if (sameMoney(price, product.price)) return [];
      return [{ type: 'PriceChanged', data: { productId: command.productId, price, previousPrice: product.price } }];
    }
    case 'ReserveStock': {
      const product = registered(state, command.productId);
      const wanted = quantity(command.quantity, 'quantity', { allowNegative: false });
      const { productId, orderId } = command;
      // One reservation per order and product: asking again (whatever came of it) records nothing.
      if (product.reservations[orderId]) return [];
      const available = product.onHand - product.reserved;
      // Running short is a fact the order process reacts to, not an error.
      if (wanted > available) return [{ type: 'StockReservationRejected', data: { productId, orderId, quantity: wanted, available } }];
      return [{ type: 'StockReserved', data: { productId, orderId, quantity: wanted } }];
    }
    case 'ReleaseStock': {
      const product = registered(state, command.productId);
      const reservation = product.reservations[command.orderId];
      // Only a held reservation is released, and only once; anything else has nothing to undo.
      if (reservation?.status !== 'reserved') return [];
      return [{ type: 'StockReleased', data: { productId: command.productId, orderId: command.orderId, quantity: reservation.quantity } }];
    }
    case 'CommitReservation': {
      const product = registered(state, command.productId);
      const reservation = product.reservations[command.orderId];
      if (reservation?.status === 'shipped') return [];
      if (reservation?.status !== 'reserved') {
        throw new DomainError('conflict', 'reservation_not_held', `Order ${command.orderId} holds no reservation of product ${command.productId}`);
      }
      return [{ type: 'ReservedStockShipped', data: { productId: command.productId, orderId: command.orderId, quantity: reservation.quantity } }];
    }
    default:
      return unreachable(command);
  }
}

function withReservation(state: ProductState, orderId: string, reservation: Reservation, change: { onHand?: number; reserved?: number }): ProductState {
  if (state.status !== 'registered') return state;
  return {
    ...state,
    onHand: state.onHand + (change.onHand ?? 0),
    reserved: state.reserved + (change.reserved ?? 0),
    reservations: { ...state.reservations, [orderId]: reservation },
  };
}

function evolve(state: ProductState, event: InventoryEvent): ProductState {
  switch (event.type) {
    case 'ProductRegistered':
      return { status: 'registered', ...event.data, onHand: 0, reserved: 0, reservations: {} };
    case 'StockReceived':
      return state.status === 'registered' ? { ...state, onHand: state.onHand + event.data.quantity } : state;
    case 'StockAdjusted':
      return state.status === 'registered' ? { ...state, onHand: state.onHand + event.data.quantityChange } : state;
    case 'PriceChanged':
      return state.status === 'registered' ? { ...state, price: event.data.price } : state;
    case 'StockReserved':
      return withReservation(state, event.data.orderId, { quantity: event.data.quantity, status: 'reserved' }, { reserved: event.data.quantity });
    case 'StockReservationRejected':
      return withReservation(state, event.data.orderId, { quantity: event.data.quantity, status: 'rejected' }, {});
    case 'StockReleased':
      return withReservation(state, event.data.orderId, { quantity: event.data.quantity, status: 'released' }, { reserved: -event.data.quantity });
    case 'ReservedStockShipped':
      return withReservation(state, event.data.orderId, { quantity: event.data.quantity, status: 'shipped' }, { onHand: -event.data.quantity, reserved: -event.data.quantity });
    default:
      return unreachable(event);
  }
}

// A product's stream grows with every receipt and reservation (a best seller's reaches 100k events):
// a command on it folds at most `every` events after the latest snapshot. No personal data here.
export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, ProductState> = { initialState, decide, evolve, snapshots: { every: 200 } };

export const productStreamId = (productId: string) => `product-${productId}`;
