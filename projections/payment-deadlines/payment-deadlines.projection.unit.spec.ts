import { describe, it } from '@jest/globals';
import { CORRELATION_ID, inStream, projectionSpec } from '../../test/support/projection-spec.js';
import { deadlineCleared, deadlineExpired, deadlineScheduled, DUE_AT } from '../../test/support/shop-story.js';
import { paymentDeadlinesProjection } from './payment-deadlines.projection.js';

const spec = projectionSpec(paymentDeadlinesProjection);

describe('payment-deadlines projection', () => {
  it('holds the deadlines armed and not yet cleared or expired', () => {
    spec.given(
      ...inStream('fulfillment-o1', deadlineScheduled('o1')),
      ...inStream('fulfillment-o2', deadlineScheduled('o2')),
      ...inStream('fulfillment-o3', deadlineScheduled('o3')),
      ...inStream('fulfillment-o1', deadlineCleared('o1')),
      ...inStream('fulfillment-o3', deadlineExpired('o3')),
    ).then({ _id: 'o2', _position: 2, dueAt: DUE_AT, scheduledEventId: 'event-2', correlationId: CORRELATION_ID });
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...inStream('fulfillment-o1', deadlineScheduled('o1'))).thenSameWhenAppliedTwice();
  });
});
