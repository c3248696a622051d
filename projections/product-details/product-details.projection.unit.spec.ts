import { describe, it } from '@jest/globals';
import type { InventoryEvent } from '../../src/inventory/inventory.decider.js';
import { inStream, projectionSpec } from '../../test/support/projection-spec.js';
import { CUP, eur, MUG, priceChanged, productRegistered, reservationRejected, reservedStockShipped, stockAdjusted, stockReceived, stockReleased, stockReserved } from '../../test/support/shop-story.js';
import { productDetailsProjection } from './product-details.projection.js';

const spec = projectionSpec(productDetailsProjection);
const mug = (...events: InventoryEvent[]) => inStream(`product-${MUG}`, ...events);

describe('product-details projection', () => {
  it('keeps on hand, reserved and available, and the revision of the product stream', () => {
    spec.given(...mug(productRegistered(), stockReceived(10), stockReserved(3, 'o1'), reservedStockShipped(2, 'o1'), stockReleased(1, 'o1'), stockAdjusted(-2)))
      .then({ _id: MUG, _position: 6, sku: 'MUG', name: 'mug', price: eur(1000), onHand: 6, reserved: 0, available: 6, revision: 5 });
  });

  it('follows a price change; a rejected reservation changes only the revision', () => {
    spec.given(...mug(productRegistered(), stockReceived(1), priceChanged(eur(1200), eur(1000)), reservationRejected(5, 1, 'o1')))
      .then({ _id: MUG, _position: 4, sku: 'MUG', name: 'mug', price: eur(1200), onHand: 1, reserved: 0, available: 1, revision: 3 });
  });

  it('keeps one document per product, and none for a product it never saw registered', () => {
    spec.given(...mug(productRegistered()), ...inStream(`product-${CUP}`, stockReceived(4, CUP)))
      .then({ _id: MUG, _position: 1, sku: 'MUG', name: 'mug', price: eur(1000), onHand: 0, reserved: 0, available: 0, revision: 0 });
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...mug(productRegistered(), stockReceived(10), stockReserved(3, 'o1'))).thenSameWhenAppliedTwice();
  });
});
