// Inventory: a product with its stock on hand and its price. Pure: events, commands, decide, evolve.
//
// Invariants:
// - stock on hand never goes negative (decide refuses an adjustment that would);
// - a price is a positive amount of minor units in an ISO 4217 currency;
// - a SKU belongs to one product. The product id is derived from the SKU (see product-id.ts),
//   so registering a SKU twice means appending to the same stream with expected revision
//   "no stream": the event store lets exactly one writer win, with no window for a race,
//   on SQLite and EventStoreDB alike. The loser re-decides against the registered product
//   and gets `sku_already_registered`.
import { unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import { positiveMoney, sameMoney, type Money } from '../money/money.js';

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
export const MAX_QUANTITY = 1_000_000;

// ---- events ----
export type ProductRegistered = DomainEvent<'ProductRegistered', { productId: string; sku: string; name: string; price: Money }>;
export type StockReceived = DomainEvent<'StockReceived', { productId: string; quantity: number; reference: string }>;
export type StockAdjusted = DomainEvent<'StockAdjusted', { productId: string; quantityChange: number; reason: string }>;
export type PriceChanged = DomainEvent<'PriceChanged', { productId: string; price: Money; previousPrice: Money }>;
export type InventoryEvent = ProductRegistered | StockReceived | StockAdjusted | PriceChanged;

export const INVENTORY_EVENT_TYPES = ['ProductRegistered', 'StockReceived', 'StockAdjusted', 'PriceChanged'] as const satisfies readonly InventoryEvent['type'][];

// ---- commands ----
export type RegisterProduct = { type: 'RegisterProduct'; productId: string; sku: string; name: string; price: Money };
export type ReceiveStock = { type: 'ReceiveStock'; productId: string; quantity: number; reference: string };
export type AdjustStock = { type: 'AdjustStock'; productId: string; quantityChange: number; reason: string };
export type ChangePrice = { type: 'ChangePrice'; productId: string; price: Money };
export type InventoryCommand = RegisterProduct | ReceiveStock | AdjustStock | ChangePrice;

// ---- state ----
export type ProductState =
  | { status: 'unregistered' }
  | { status: 'registered'; productId: string; sku: string; name: string; price: Money; onHand: number };

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
      return [{ type: 'StockReceived', data: { productId: command.productId, quantity: received, reference } }];
    }
    case 'AdjustStock': {
      const product = registered(state, command.productId);
      const change = quantity(command.quantityChange, 'quantityChange', { allowNegative: true });
      const reason = text(command.reason, 'reason', 500);
      if (product.onHand + change < 0) {
        throw new DomainError('conflict', 'insufficient_stock', `Cannot remove ${-change} units: only ${product.onHand} on hand`);
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
    default:
      return unreachable(command);
  }
}

function evolve(state: ProductState, event: InventoryEvent): ProductState {
  switch (event.type) {
    case 'ProductRegistered':
      return { status: 'registered', ...event.data, onHand: 0 };
    case 'StockReceived':
      return state.status === 'registered' ? { ...state, onHand: state.onHand + event.data.quantity } : state;
    case 'StockAdjusted':
      return state.status === 'registered' ? { ...state, onHand: state.onHand + event.data.quantityChange } : state;
    case 'PriceChanged':
      return state.status === 'registered' ? { ...state, price: event.data.price } : state;
    default:
      return unreachable(event);
  }
}

export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, ProductState> = { initialState, decide, evolve };

export const productStreamId = (productId: string) => `product-${productId}`;
