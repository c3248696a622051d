import { describe, it } from '@jest/globals';
import type { InventoryEvent } from '../../src/inventory/inventory.decider.js';
import { inStream, projectionSpec } from '../../test/support/projection-spec.js';
import { eur, MUG, priceChanged, productRegistered, reservationRejected, reservedStockShipped, stockAdjusted, stockReceived, stockReleased, stockReserved } from '../../test/support/shop-story.js';
import { productListProjection } from './product-list.projection.js';

const spec = projectionSpec(productListProjection);
const mug = (...events: InventoryEvent[]) => inStream(`product-${MUG}`, ...events);

describe('product-list projection', () => {
  it('lists what a customer may order: available stock and the current price', () => {
    spec.given(...mug(productRegistered(), stockReceived(10), stockReserved(3, 'o1'), stockReleased(1, 'o1'), stockAdjusted(-2), priceChanged(eur(900), eur(1000))))
      .then({ _id: MUG, _position: 6, sku: 'MUG', name: 'mug', price: eur(900), available: 6 });
  });

  it('leaves availability alone when reserved stock ships or a reservation is refused', () => {
    spec.given(...mug(productRegistered(), stockReceived(5), stockReserved(2, 'o1'), reservedStockShipped(2, 'o1'), reservationRejected(9, 3, 'o2')))
      .then({ _id: MUG, _position: 5, sku: 'MUG', name: 'mug', price: eur(1000), available: 3 });
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...mug(productRegistered(), stockReceived(10), stockReserved(3, 'o1'))).thenSameWhenAppliedTwice();
  });
});
