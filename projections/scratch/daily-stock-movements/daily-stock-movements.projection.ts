// A scratch projection for analysts: stock movements per product per day (UTC, by the time the
// event was recorded). Not run by the service; replayed on demand over a range of the log
// (npm run cli -- replay daily-stock-movements, or POST /v1/analytics/replays).
import type { RecordedEvent } from '../../../src/eventstore/event-store.port.js';
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

const MOVEMENTS = ['StockReceived', 'StockAdjusted', 'StockReserved', 'StockReleased', 'ReservedStockShipped'] as const;

export const dailyStockMovementsProjection: DocumentProjection<DailyStockMovements> = {
  name: 'daily-stock-movements',
  version: 1,
  collection: { name: 'scratch_daily_stock_movements_v1' },
  eventTypes: MOVEMENTS,
  documentId: (event) => `${event.recordedAt.slice(0, 10)}/${(event.data as { productId: string }).productId}`,
  evolve(current, recorded) {
    const event = recorded as RecordedEvent & InventoryEvent;
    const doc: DailyStockMovements = current ?? {
      _id: '', _position: 0, day: recorded.recordedAt.slice(0, 10), productId: (event.data as { productId: string }).productId,
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
        return doc;
    }
  },
};
