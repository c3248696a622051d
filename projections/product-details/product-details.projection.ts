// One document per product with everything GET /v1/products/{id} answers.
import { INVENTORY_EVENT_TYPES, type InventoryEvent } from '../../src/inventory/inventory.decider.js';
import type { Money } from '../../src/money/money.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import type { RecordedOf } from '../../src/eventstore/event-store.port.js';
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
    switch (event.type) {
      case 'ProductRegistered': {
        const { productId, sku, name, price } = event.data;
        return { _id: productId, _position: Number(event.position), revision: event.revision, sku, name, price, onHand: 0, reserved: 0, available: 0 };
      }
      case 'StockReceived':
        return current && next(current, event, current.price, current.onHand + event.data.quantity, current.reserved);
      case 'StockAdjusted':
        return current && next(current, event, current.price, current.onHand + event.data.quantityChange, current.reserved);
      case 'PriceChanged':
        return current && next(current, event, event.data.price, current.onHand, current.reserved);
      case 'StockReserved':
        return current && next(current, event, current.price, current.onHand, current.reserved + event.data.quantity);
      case 'StockReleased':
        return current && next(current, event, current.price, current.onHand, current.reserved - event.data.quantity);
      case 'ReservedStockShipped':
        return current && next(current, event, current.price, current.onHand - event.data.quantity, current.reserved - event.data.quantity);
      case 'StockReservationRejected':
        return current && next(current, event, current.price, current.onHand, current.reserved);
      default:
        return unreachable(event);
    }
  },
};

/**
 * The document after an event, every field written out in the order ProductRegistered gives them.
 * V8 (Node 20) builds this literal several times faster than a spread of the document with fields
 * overridden (`{ ...doc, onHand }`), which left its fast clone path: measured 3-10x per event, the
 * largest item of a rebuild's projection work.
 */
function next(doc: ProductDetails, event: RecordedOf<InventoryEvent>, price: Money, onHand: number, reserved: number): ProductDetails {
  return { _id: doc._id, _position: Number(event.position), revision: event.revision, sku: doc.sku, name: doc.name, price, onHand, reserved, available: onHand - reserved };
}
