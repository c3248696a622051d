import { describe, it } from '@jest/globals';
import { CORRELATION_ID, inStream, projectionSpec } from '../../test/support/projection-spec.js';
import { orderPlaced, productRegistered, stockReserved } from '../../test/support/shop-story.js';
import { correlationsProjection } from './correlations.projection.js';

const spec = projectionSpec(correlationsProjection);

describe('correlations projection', () => {
  it('lists, per correlation id, where each of its events is in the log, in position order', () => {
    spec.given(...inStream('product-mug', productRegistered()), ...inStream('order-1', orderPlaced('order-1')), ...inStream('product-mug', stockReserved(2, 'order-1')))
      .then({
        _id: CORRELATION_ID, _position: 3, truncated: false,
        events: [{ streamId: 'product-mug', revision: 0, position: 1 }, { streamId: 'order-1', revision: 0, position: 2 }, { streamId: 'product-mug', revision: 1, position: 3 }],
      });
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...inStream('product-mug', productRegistered()), ...inStream('order-1', orderPlaced('order-1'))).thenSameWhenAppliedTwice();
  });
});
