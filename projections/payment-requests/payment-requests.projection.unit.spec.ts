import { describe, it } from '@jest/globals';
import { CORRELATION_ID, inStream, occurredAt, projectionSpec } from '../../test/support/projection-spec.js';
import { eur, paymentAuthorized, paymentCaptured, paymentDeclined, paymentRequested } from '../../test/support/shop-story.js';
import { paymentRequestsProjection } from './payment-requests.projection.js';

const spec = projectionSpec(paymentRequestsProjection);

describe('payment-requests projection', () => {
  it('holds a request until the processor answers it', () => {
    spec.given(
      ...inStream('payment-payment-o1', paymentRequested('o1')),
      ...inStream('payment-payment-o2', paymentRequested('o2', eur(500))),
      ...inStream('payment-payment-o1', paymentAuthorized('o1'), paymentCaptured('o1')),
    ).then({
      _id: 'payment-o2', _position: 2, orderId: 'o2', amount: eur(500),
      requestEventId: 'event-2', correlationId: CORRELATION_ID, requestedAt: occurredAt(2),
    });
  });

  it('forgets a declined request', () => {
    spec.given(...inStream('payment-payment-o1', paymentRequested('o1'), paymentDeclined('o1'))).thenNothing();
  });

  it('is the same when the events are applied twice', () => {
    spec.given(...inStream('payment-payment-o1', paymentRequested('o1'))).thenSameWhenAppliedTwice();
  });
});
