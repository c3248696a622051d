import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider/decider.js';
import { deciderSpec } from '../../test/support/decider-spec.js';
import { gatewayCallFor, paymentsDecider, type PaymentEvent } from './payments.decider.js';

const paymentId = 'b0000000-0000-4000-8000-000000000001';
const orderId = 'a0000000-0000-4000-8000-000000000001';
const amount = { amount: 3500, currency: 'EUR' };
const requested: PaymentEvent = { type: 'PaymentAuthorizationRequested', schemaVersion: 2, data: { paymentId, orderId, amount } };
const authorized: PaymentEvent = { type: 'PaymentAuthorized', data: { paymentId, orderId, amount, authorizationCode: 'auth-1' } };
const captured: PaymentEvent = { type: 'PaymentCaptured', data: { paymentId, orderId, amount, captureId: 'cap-1' } };
const voided: PaymentEvent = { type: 'PaymentVoided', data: { paymentId, orderId } };
const declined: PaymentEvent = { type: 'PaymentDeclined', data: { paymentId, orderId, reason: 'card_declined' } };
const spec = deciderSpec(paymentsDecider);
const capture = { type: 'CapturePayment' as const, paymentId, receipt: { captureId: 'cap-1' } };
const voidIt = { type: 'VoidPayment' as const, paymentId, receipt: { voided: true as const } };
const refund = { type: 'RefundPayment' as const, paymentId, receipt: { refundId: 'ref-1' } };

describe('payments decider', () => {
  it('records an authorization request once', () => {
    const authorize = { type: 'AuthorizePayment' as const, paymentId, orderId, amount, };
    spec.given().when(authorize).then(requested);
    spec.given(requested).when(authorize).thenNothing();
  });
  it("records the processor's answer once", () => {
    spec.given(requested).when({ type: 'RecordAuthorizationOutcome', paymentId, outcome: { status: 'authorized', authorizationCode: 'auth-1' } }).then(authorized);
    spec.given(requested).when({ type: 'RecordAuthorizationOutcome', paymentId, outcome: { status: 'declined', reason: 'card_declined' } }).then(declined);
    spec.given(requested, authorized).when({ type: 'RecordAuthorizationOutcome', paymentId, outcome: { status: 'declined', reason: 'x' } }).thenNothing();
  });
  it('captures an authorized payment once', () => {
    spec.given(requested, authorized).when(capture).then(captured);
    spec.given(requested, authorized, captured).when(capture).thenNothing();
  });
  it('never captures a voided, declined or pending payment', () => {
    spec.given(requested, authorized, voided).when(capture).thenError('payment_not_capturable');
    spec.given(requested, declined).when(capture).thenError('payment_not_capturable');
    spec.given(requested).when(capture).thenError('payment_not_capturable');
  });
  it('voids an authorized payment; a captured one must be refunded', () => {
    spec.given(requested, authorized).when(voidIt).then(voided);
    spec.given(requested, authorized, voided).when(voidIt).thenNothing();
    spec.given(requested, authorized, captured).when(voidIt).thenError('payment_already_captured');
    spec.given(requested).when(voidIt).thenError('payment_pending');
  });
  it('refunds a captured payment once', () => {
    const refunded: PaymentEvent = { type: 'PaymentRefunded', data: { paymentId, orderId, amount, refundId: 'ref-1' } };
    spec.given(requested, authorized, captured).when(refund).then(refunded);
    spec.given(requested, authorized, captured, refunded).when(refund).thenNothing();
    spec.given(requested, authorized).when(refund).thenError('payment_not_captured');
  });
  it('asks the processor only when something is to be done', () => {
    const state = (...events: PaymentEvent[]) => fold(paymentsDecider, events);
    expect(gatewayCallFor({ type: 'CapturePayment', paymentId }, state(requested, authorized))).toEqual({ operation: 'capture', amount, authorizationCode: 'auth-1' });
    expect(gatewayCallFor({ type: 'CapturePayment', paymentId }, state(requested, authorized, captured))).toBeNull();
    expect(gatewayCallFor({ type: 'RefundPayment', paymentId }, state(requested, authorized, captured))).toEqual({ operation: 'refund', amount, captureId: 'cap-1' });
  });
});
