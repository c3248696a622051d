// The catalogue listing behind GET /v1/products: small documents ordered by SKU.
import { INVENTORY_EVENT_TYPES, type InventoryEvent } from '../../src/inventory/inventory.decider.js';
import type { Money } from '../../src/money/money.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import { unreachable } from '../../src/decider/decider.js';

export interface ProductListItem extends ReadDocument {
  sku: string;
  name: string;
  price: Money;
  available: number;
}

export const productListProjection: DocumentProjection<ProductListItem, InventoryEvent> = {
  name: 'product-list',
  version: 1,
  // Listing pages by SKU (keyset pagination), so SKU is indexed; it is unique by construction.
  collection: { name: 'product_list_v1', indexes: [{ fields: { sku: 1 }, unique: true }] },
  eventTypes: INVENTORY_EVENT_TYPES,
  documentId: (event) => event.data.productId,
  evolve(current, event) {
    const _position = Number(event.position);
    switch (event.type) {
      case 'ProductRegistered': {
        const { productId, sku, name, price } = event.data;
        return { _id: productId, _position, sku, name, price, available: 0 };
      }
      case 'StockReceived':
        return current && { ...current, _position, available: current.available + event.data.quantity };
      case 'StockAdjusted':
        return current && { ...current, _position, available: current.available + event.data.quantityChange };
      case 'PriceChanged':
        return current && { ...current, _position, price: event.data.price };
      case 'StockReserved':
        return current && { ...current, _position, available: current.available - event.data.quantity };
      case 'StockReleased':
        return current && { ...current, _position, available: current.available + event.data.quantity };
      case 'ReservedStockShipped':
      case 'StockReservationRejected':
        return current; // on hand and reserved drop together (or nothing changed): available stays
      default:
        return unreachable(event);
    }
  },
};
