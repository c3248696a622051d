import { describe, it } from '@jest/globals';
import type { InventoryEvent } from '../../src/inventory/inventory.decider.js';
import { inStream, projectionSpec } from '../../test/support/projection-spec.js';
import { eur, MUG, priceChanged, productRegistered, reservedStockShipped, stockAdjusted, stockReceived, stockReleased, stockReserved } from '../../test/support/shop-story.js';
import { stockLevelsProjection } from './stock-levels.projection.js';

const spec = projectionSpec(stockLevelsProjection);
const mug = (...events: InventoryEvent[]) => inStream(`product-${MUG}`, ...events);

describe('stock-levels projection', () => {
  it('totals what was received, adjusted, reserved and shipped', () => {
    spec.given(...mug(productRegistered(), stockReceived(10), stockAdjusted(-1), stockReserved(4, 'o1'), reservedStockShipped(3, 'o1'), stockReleased(1, 'o1')))
      .then({ _id: MUG, _position: 6, sku: 'MUG', received: 10, adjusted: -1, onHand: 6, reserved: 0, available: 6, shipped: 3 });
  });

  it('ignores a price change, and stock of a product it never saw registered', () => {
    spec.given(...mug(productRegistered(), priceChanged(eur(1200), eur(1000))), ...inStream('product-other', stockReceived(5, 'other')))
      .then({ _id: MUG, _position: 2, sku: 'MUG', received: 0, adjusted: 0, onHand: 0, reserved: 0, available: 0, shipped: 0 });
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...mug(productRegistered(), stockReceived(10), stockReserved(4, 'o1'))).thenSameWhenAppliedTwice();
  });
});
