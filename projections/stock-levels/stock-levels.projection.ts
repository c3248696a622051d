// Stock levels per product, with the whole balance: received and adjusted on one side, and
// available + reserved + shipped on the other. The balance always holds:
//   available + reserved + shipped = received + adjusted   (adjusted: the sum of adjustments)
import { unreachable } from '../../src/decider/decider.js';
import { INVENTORY_EVENT_TYPES, type InventoryEvent } from '../../src/inventory/inventory.decider.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';

export interface StockLevel extends ReadDocument {
  sku: string;
  received: number;
  adjusted: number;
  onHand: number;
  reserved: number;
  available: number;
  shipped: number;
}

export const stockLevelsProjection: DocumentProjection<StockLevel, InventoryEvent> = {
  name: 'stock-levels',
  version: 1,
  collection: { name: 'stock_levels_v1', indexes: [{ fields: { sku: 1 }, unique: true }] },
  eventTypes: INVENTORY_EVENT_TYPES,
  documentId: (event) => event.data.productId,
  evolve(current, event) {
    if (event.type === 'ProductRegistered') {
      return { _id: event.data.productId, _position: Number(event.position), sku: event.data.sku, received: 0, adjusted: 0, onHand: 0, reserved: 0, available: 0, shipped: 0 };
    }
    if (!current) return null;
    const level = (change: Partial<Record<'received' | 'adjusted' | 'onHand' | 'reserved' | 'shipped', number>>): StockLevel => {
      const next = { ...current };
      for (const [field, delta] of Object.entries(change) as [keyof typeof change, number][]) next[field] += delta;
      return { ...next, available: next.onHand - next.reserved };
    };
    switch (event.type) {
      case 'StockReceived':
        return level({ received: event.data.quantity, onHand: event.data.quantity });
      case 'StockAdjusted':
        return level({ adjusted: event.data.quantityChange, onHand: event.data.quantityChange });
      case 'StockReserved':
        return level({ reserved: event.data.quantity });
      case 'StockReleased':
        return level({ reserved: -event.data.quantity });
      case 'ReservedStockShipped':
        return level({ reserved: -event.data.quantity, onHand: -event.data.quantity, shipped: event.data.quantity });
      case 'PriceChanged':
      case 'StockReservationRejected':
        return current;
      default:
        return unreachable(event);
    }
  },
};
