// A scratch projection for analysts: stock movements per product per day (UTC, by the time the
// event was recorded). Not run by the service; replayed on demand over a range of the log
// (npm run cli -- replay daily-stock-movements, or POST /v1/analytics/replays).
import { eventTypes, unreachable } from '../../../src/decider/decider.js';
import type { InventoryEvent } from '../../../src/inventory/inventory.decider.js';
import type { ReadDocument } from '../../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../../src/projection-engine/projection.js';

export interface DailyStockMovements extends ReadDocument {
  day: string;
  productId: string;
  received: number;
  adjusted: number;
  reserved: number;
  released: number;
  shipped: number;
  events: number;
}

type Movement = Extract<InventoryEvent, { type: 'StockReceived' | 'StockAdjusted' | 'StockReserved' | 'StockReleased' | 'ReservedStockShipped' }>;

export const dailyStockMovementsProjection: DocumentProjection<DailyStockMovements, Movement> = {
  name: 'daily-stock-movements',
  version: 1,
  collection: { name: 'scratch_daily_stock_movements_v1' },
  eventTypes: eventTypes<Movement>({ StockReceived: true, StockAdjusted: true, StockReserved: true, StockReleased: true, ReservedStockShipped: true }),
  documentId: (event) => `${event.recordedAt.slice(0, 10)}/${event.data.productId}`,
  evolve(current, event) {
    const doc: DailyStockMovements = current ?? {
      _id: '', _position: 0, day: event.recordedAt.slice(0, 10), productId: event.data.productId,
      received: 0, adjusted: 0, reserved: 0, released: 0, shipped: 0, events: 0,
    };
    const next = { ...doc, events: doc.events + 1 };
    switch (event.type) {
      case 'StockReceived':
        return { ...next, received: next.received + event.data.quantity };
      case 'StockAdjusted':
        return { ...next, adjusted: next.adjusted + event.data.quantityChange };
      case 'StockReserved':
        return { ...next, reserved: next.reserved + event.data.quantity };
      case 'StockReleased':
        return { ...next, released: next.released + event.data.quantity };
      case 'ReservedStockShipped':
        return { ...next, shipped: next.shipped + event.data.quantity };
      default:
        return unreachable(event);
    }
  },
};
