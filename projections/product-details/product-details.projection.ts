// One document per product with everything GET /v1/products/{id} answers.
import { INVENTORY_EVENT_TYPES, type InventoryEvent } from '../../src/inventory/inventory.decider.js';
import type { Money } from '../../src/money/money.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import { unreachable } from '../../src/decider/decider.js';

export interface ProductDetails extends ReadDocument {
  sku: string;
  name: string;
  price: Money;
  onHand: number;
  reserved: number;
  available: number;
  /** Revision of the product stream this document reflects (its ETag). */
  revision: number;
}

export const productDetailsProjection: DocumentProjection<ProductDetails, InventoryEvent> = {
  name: 'product-details',
  version: 1,
  collection: { name: 'product_details_v1' },
  eventTypes: INVENTORY_EVENT_TYPES,
  documentId: (event) => event.data.productId,
  evolve(current, event) {
    const at = { _position: Number(event.position), revision: event.revision };
    switch (event.type) {
      case 'ProductRegistered': {
        const { productId, sku, name, price } = event.data;
        return { _id: productId, ...at, sku, name, price, onHand: 0, reserved: 0, available: 0 };
      }
      case 'StockReceived':
        return current && withOnHand(current, current.onHand + event.data.quantity, at);
      case 'StockAdjusted':
        return current && withOnHand(current, current.onHand + event.data.quantityChange, at);
      case 'PriceChanged':
        return current && { ...current, ...at, price: event.data.price };
      case 'StockReserved':
        return current && withReserved(current, current.onHand, current.reserved + event.data.quantity, at);
      case 'StockReleased':
        return current && withReserved(current, current.onHand, current.reserved - event.data.quantity, at);
      case 'ReservedStockShipped':
        return current && withReserved(current, current.onHand - event.data.quantity, current.reserved - event.data.quantity, at);
      case 'StockReservationRejected':
        return current && { ...current, ...at };
      default:
        return unreachable(event);
    }
  },
};

function withOnHand(doc: ProductDetails, onHand: number, at: Pick<ProductDetails, '_position' | 'revision'>): ProductDetails {
  return { ...doc, ...at, onHand, available: onHand - doc.reserved };
}

function withReserved(doc: ProductDetails, onHand: number, reserved: number, at: Pick<ProductDetails, '_position' | 'revision'>): ProductDetails {
  return { ...doc, ...at, onHand, reserved, available: onHand - reserved };
}
