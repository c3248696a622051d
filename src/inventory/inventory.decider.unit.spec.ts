import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../test/support/decider-spec.js';
import { inventoryDecider, type InventoryEvent } from './inventory.decider.js';

const productId = '0b6f8f52-5a3c-5d1e-9d3c-2f1a7c0e4b11';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const registered: InventoryEvent = { type: 'ProductRegistered', data: { productId, sku: 'MUG-01', name: 'Mug', price: eur(1200) } };
const received = (quantity: number): InventoryEvent => ({ type: 'StockReceived', schemaVersion: 2, data: { productId, quantity, deliveryReference: 'PO-1' } });

const spec = deciderSpec(inventoryDecider);

describe('inventory decider', () => {
  describe('RegisterProduct', () => {
    const register = { type: 'RegisterProduct' as const, productId, sku: 'MUG-01', name: '  Mug ', price: eur(1200) };

    it('registers a new product with a trimmed name', () => {
      spec.given().when(register).then(registered);
    });
    it('refuses a SKU that is already registered', () => {
      spec.given(registered).when(register).thenError('sku_already_registered');
    });
    it('refuses a malformed SKU', () => {
      spec.given().when({ ...register, sku: 'mug 01' }).thenError('invalid_sku');
    });
    it('refuses an empty name', () => {
      spec.given().when({ ...register, name: '   ' }).thenError('invalid_name');
    });
    it.each([0, -5, 12.5])('refuses a price of %p minor units', (amount) => {
      spec.given().when({ ...register, price: eur(amount) }).thenError('invalid_price');
    });
    it('refuses an unknown currency shape', () => {
      spec.given().when({ ...register, price: { amount: 100, currency: 'euro' } }).thenError('invalid_currency');
    });
  });

  describe('ReceiveStock', () => {
    const receive = { type: 'ReceiveStock' as const, productId, quantity: 10, reference: 'PO-1' };

    it('records received stock', () => {
      spec.given(registered).when(receive).then(received(10));
    });
    it('refuses stock for an unknown product', () => {
      spec.given().when(receive).thenError('product_not_found');
    });
    it.each([0, -1, 1.5, 1_000_001])('refuses a quantity of %p', (quantity) => {
      spec.given(registered).when({ ...receive, quantity }).thenError('invalid_quantity');
    });
    it('refuses a missing reference', () => {
      spec.given(registered).when({ ...receive, reference: '' }).thenError('invalid_reference');
    });
  });

  describe('AdjustStock', () => {
    const adjust = (quantityChange: number) => ({ type: 'AdjustStock' as const, productId, quantityChange, reason: 'stock count' });

    it('records a downward adjustment within stock on hand', () => {
      spec.given(registered, received(5)).when(adjust(-5)).then({ type: 'StockAdjusted', data: { productId, quantityChange: -5, reason: 'stock count' } });
    });
    it('records an upward adjustment', () => {
      spec.given(registered).when(adjust(3)).then({ type: 'StockAdjusted', data: { productId, quantityChange: 3, reason: 'stock count' } });
    });
    it('never lets stock on hand go negative', () => {
      spec.given(registered, received(5)).when(adjust(-6)).thenError('insufficient_stock');
    });
    it('counts earlier adjustments against the stock on hand', () => {
      const removed: InventoryEvent = { type: 'StockAdjusted', data: { productId, quantityChange: -4, reason: 'damaged' } };
      spec.given(registered, received(5), removed).when(adjust(-2)).thenError('insufficient_stock');
    });
    it.each([0, 0.5])('refuses a change of %p', (change) => {
      spec.given(registered).when(adjust(change)).thenError('invalid_quantity');
    });
    it('requires a reason', () => {
      spec.given(registered).when({ ...adjust(1), reason: ' ' }).thenError('invalid_reason');
    });
    it('refuses an adjustment of an unknown product', () => {
      spec.given().when(adjust(1)).thenError('product_not_found');
    });
  });

  describe('ChangePrice', () => {
    const change = (amount: number) => ({ type: 'ChangePrice' as const, productId, price: eur(amount) });

    it('records the new and the previous price', () => {
      spec.given(registered).when(change(1500)).then({ type: 'PriceChanged', data: { productId, price: eur(1500), previousPrice: eur(1200) } });
    });
    it('records nothing when the price is unchanged', () => {
      spec.given(registered).when(change(1200)).thenNothing();
    });
    it('compares against the latest price', () => {
      const changed: InventoryEvent = { type: 'PriceChanged', data: { productId, price: eur(1500), previousPrice: eur(1200) } };
      spec.given(registered, changed).when(change(1200)).then({ type: 'PriceChanged', data: { productId, price: eur(1200), previousPrice: eur(1500) } });
    });
    it('never accepts a non-positive price', () => {
      spec.given(registered).when(change(0)).thenError('invalid_price');
    });
    it('refuses a price change of an unknown product', () => {
      spec.given().when(change(100)).thenError('product_not_found');
    });
  });

  describe('reservations', () => {
    const orderA = '11111111-1111-4111-8111-111111111111';
    const orderB = '22222222-2222-4222-8222-222222222222';
    const reserve = (orderId: string, quantity: number) => ({ type: 'ReserveStock' as const, productId, orderId, quantity });
    const release = (orderId: string) => ({ type: 'ReleaseStock' as const, productId, orderId });
    const commit = (orderId: string) => ({ type: 'CommitReservation' as const, productId, orderId });
    const reserved = (orderId: string, quantity: number): InventoryEvent => ({ type: 'StockReserved', data: { productId, orderId, quantity } });
    const released = (orderId: string, quantity: number): InventoryEvent => ({ type: 'StockReleased', data: { productId, orderId, quantity } });
    const shipped = (orderId: string, quantity: number): InventoryEvent => ({ type: 'ReservedStockShipped', data: { productId, orderId, quantity } });
    const rejected = (orderId: string, quantity: number, available: number): InventoryEvent => ({
      type: 'StockReservationRejected', data: { productId, orderId, quantity, available },
    });

    it('reserves available stock for an order', () => {
      spec.given(registered, received(5)).when(reserve(orderA, 3)).then(reserved(orderA, 3));
    });
    it('rejects a reservation beyond the available stock, as a fact and not an error', () => {
      spec.given(registered, received(5), reserved(orderA, 3)).when(reserve(orderB, 3)).then(rejected(orderB, 3, 2));
    });
    it('reserves the last available unit exactly', () => {
      spec.given(registered, received(5), reserved(orderA, 3)).when(reserve(orderB, 2)).then(reserved(orderB, 2));
    });
    it('is idempotent per order: reserving again records nothing, even after a rejection', () => {
      spec.given(registered, received(5), reserved(orderA, 3)).when(reserve(orderA, 3)).thenNothing();
      spec.given(registered, received(1), rejected(orderA, 3, 1)).when(reserve(orderA, 3)).thenNothing();
    });
    it('refuses invalid quantities and unknown products', () => {
      spec.given(registered, received(5)).when(reserve(orderA, 0)).thenError('invalid_quantity');
      spec.given().when(reserve(orderA, 1)).thenError('product_not_found');
    });
    it('makes released units available again', () => {
      spec.given(registered, received(5), reserved(orderA, 5)).when(release(orderA)).then(released(orderA, 5));
      spec.given(registered, received(5), reserved(orderA, 5), released(orderA, 5)).when(reserve(orderB, 5)).then(reserved(orderB, 5));
    });
    it('releases a reservation once: a repeat, an unknown or a rejected one records nothing', () => {
      spec.given(registered, received(5), reserved(orderA, 5), released(orderA, 5)).when(release(orderA)).thenNothing();
      spec.given(registered, received(5)).when(release(orderA)).thenNothing();
      spec.given(registered, received(1), rejected(orderA, 3, 1)).when(release(orderA)).thenNothing();
    });
    it('never releases a reservation that has shipped', () => {
      spec.given(registered, received(5), reserved(orderA, 2), shipped(orderA, 2)).when(release(orderA)).thenNothing();
    });
    it('ships a held reservation once', () => {
      spec.given(registered, received(5), reserved(orderA, 2)).when(commit(orderA)).then(shipped(orderA, 2));
      spec.given(registered, received(5), reserved(orderA, 2), shipped(orderA, 2)).when(commit(orderA)).thenNothing();
    });
    it('refuses to ship stock an order does not hold', () => {
      spec.given(registered, received(5)).when(commit(orderA)).thenError('reservation_not_held');
      spec.given(registered, received(5), reserved(orderA, 2), released(orderA, 2)).when(commit(orderA)).thenError('reservation_not_held');
    });
    it('shipping takes the units off the shelf: only the rest is available', () => {
      spec.given(registered, received(5), reserved(orderA, 2), shipped(orderA, 2)).when(reserve(orderB, 4)).then(rejected(orderB, 4, 3));
    });
    it('never lets an adjustment take reserved units', () => {
      spec.given(registered, received(5), reserved(orderA, 4)).when({ type: 'AdjustStock', productId, quantityChange: -2, reason: 'count' }).thenError('insufficient_stock');
      spec.given(registered, received(5), reserved(orderA, 4))
        .when({ type: 'AdjustStock', productId, quantityChange: -1, reason: 'count' })
        .then({ type: 'StockAdjusted', data: { productId, quantityChange: -1, reason: 'count' } });
    });
  });
});
