// The order fulfillment saga, path by path: given the events it has seen, when one more arrives
// (or a deadline comes due on a controllable clock), then the commands it sends.
import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../test/support/manual-clock.js';
import {
  commandsOf,
  decideFulfillment,
  evolveFulfillment,
  initialFulfillmentState,
  type FulfillmentCommand,
  type FulfillmentEvent,
  type FulfillmentState,
  type FulfillmentTrigger,
  type RunningFulfillment,
} from './fulfillment.decider.js';

const orderId = 'a0000000-0000-4000-8000-000000000001';
const paymentId = 'b0000000-0000-4000-8000-000000000001';
const shipmentId = 'c0000000-0000-4000-8000-000000000001';
const mug = 'd0000000-0000-4000-8000-000000000001';
const cup = 'd0000000-0000-4000-8000-000000000002';
const DEADLINE_MS = 15 * 60_000;
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const address = { name: 'Ada', line1: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' };

let seq = 0;
const t = <T extends FulfillmentTrigger['type']>(type: T, data: Extract<FulfillmentTrigger, { type: T }>['data']): FulfillmentTrigger =>
  ({ type, data, eventId: `evt-${type}-${++seq}`, correlationId: 'corr-1' }) as FulfillmentTrigger;

const placed = () => t('OrderPlaced', {
  orderId, customerId: 'cust-1', paymentId, shipmentId, shippingAddress: address, total: eur(3500),
  lines: [
    { productId: mug, sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: eur(1000) },
    { productId: cup, sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: eur(1500) },
  ],
});
const reserved = (productId: string, quantity = 1) => t('StockReserved', { productId, orderId, quantity });
const rejected = (productId: string) => t('StockReservationRejected', { productId, orderId, quantity: 1, available: 0 });
const released = (productId: string) => t('StockReleased', { productId, orderId, quantity: 1 });
const authorized = () => t('PaymentAuthorized', { paymentId, orderId, amount: eur(3500), authorizationCode: 'auth-1' });
const declined = () => t('PaymentDeclined', { paymentId, orderId, reason: 'card_declined' });
const captured = () => t('PaymentCaptured', { paymentId, orderId, amount: eur(3500), captureId: 'cap-1' });
const voided = () => t('PaymentVoided', { paymentId, orderId });
const refunded = () => t('PaymentRefunded', { paymentId, orderId, amount: eur(3500), refundId: 'ref-1' });
const confirmed = () => t('OrderConfirmed', { orderId });
const cancelled = (reason: 'out_of_stock' | 'payment_declined' | 'payment_timeout' | 'customer_request', previousStatus: 'placed' | 'confirmed' = 'placed') =>
  t('OrderCancelled', { orderId, reason, previousStatus });
const shipped = () => t('OrderShipped', { orderId, shipmentId, trackingNumber: 'TRACK-1' });
const shipmentCreated = () => t('ShipmentCreated', { shipmentId, orderId, lines: [], shippingAddress: address });
const shipmentCancelled = () => t('ShipmentCancelled', { shipmentId, orderId });
const delivered = () => t('ShipmentDelivered', { shipmentId, orderId });
const deadlinePassed = (dueAt: string) => t('PaymentDeadlinePassed', { orderId, dueAt });

const reserve = (productId: string, quantity: number): FulfillmentCommand => ({ type: 'ReserveStock', productId, orderId, quantity });
const release = (productId: string): FulfillmentCommand => ({ type: 'ReleaseStock', productId, orderId });
const cancelOrder = (reason: 'out_of_stock' | 'payment_declined' | 'payment_timeout'): FulfillmentCommand => ({ type: 'CancelOrder', orderId, reason });
const authorize: FulfillmentCommand = { type: 'AuthorizePayment', paymentId, orderId, amount: eur(3500) };

/** Given the triggers seen so far (each answered as the saga would), when one more arrives, then... */
function saga(clock = new ManualClock()) {
  const run = (state: FulfillmentState, trigger: FulfillmentTrigger) => {
    const events = decideFulfillment(state, trigger, { now: clock.now(), paymentDeadlineMs: DEADLINE_MS });
    return { events, state: events.reduce(evolveFulfillment, state) };
  };
  return {
    clock,
    given(...history: FulfillmentTrigger[]) {
      let state: FulfillmentState = initialFulfillmentState;
      for (const trigger of history) state = run(state, trigger).state;
      return {
        state: state as RunningFulfillment,
        when(trigger: FulfillmentTrigger) {
          const result = run(state, trigger);
          return {
            events: result.events,
            state: result.state as RunningFulfillment,
            thenSends(...commands: FulfillmentCommand[]) {
              expect(commandsOf(result.events)).toEqual(commands);
              return this;
            },
            thenRecords(...types: FulfillmentEvent['type'][]) {
              expect(result.events.map((e) => e.type)).toEqual(types);
              return this;
            },
            thenIgnores() {
              expect(result.events).toEqual([]);
            },
          };
        },
      };
    },
  };
}

const happyUntilAuthorized = () => [placed(), reserved(mug, 2), reserved(cup)];

describe('order fulfillment saga', () => {
  describe('happy path', () => {
    it('starts by reserving every line', () => {
      saga().given().when(placed()).thenSends(reserve(mug, 2), reserve(cup, 1)).thenRecords('FulfillmentStarted');
    });

    it('asks for the payment once every line is reserved, and arms the deadline from the clock', () => {
      const s = saga();
      const result = s.given(placed(), reserved(mug, 2)).when(reserved(cup)).thenSends(authorize)
        .thenRecords('FulfillmentReservationNoted', 'PaymentDeadlineScheduled');
      expect(result.events[1]!.data).toMatchObject({ dueAt: new Date(s.clock.now().getTime() + DEADLINE_MS).toISOString() });
      expect(result.state.phase).toBe('awaiting_payment');
    });

    it('waits while some lines are still unanswered', () => {
      saga().given(placed()).when(reserved(mug, 2)).thenSends();
    });

    it('confirms the order when the payment is authorized, and clears the deadline', () => {
      saga().given(...happyUntilAuthorized()).when(authorized()).thenSends({ type: 'ConfirmOrder', orderId })
        .thenRecords('FulfillmentPaymentNoted', 'PaymentDeadlineCleared');
    });

    it('captures once the order is confirmed, then creates the shipment', () => {
      saga().given(...happyUntilAuthorized(), authorized()).when(confirmed()).thenSends({ type: 'CapturePayment', paymentId });
      saga().given(...happyUntilAuthorized(), authorized(), confirmed()).when(captured()).thenSends({
        type: 'CreateShipment', shipmentId, orderId, customerId: 'cust-1', shippingAddress: address, lines: [{ productId: mug, quantity: 2 }, { productId: cup, quantity: 1 }],
      });
    });

    it('waits for staff once the shipment exists', () => {
      const { state } = saga().given(...happyUntilAuthorized(), authorized(), confirmed(), captured()).when(shipmentCreated()).thenSends();
      expect(state.phase).toBe('awaiting_dispatch');
    });

    it('on dispatch, dispatches the shipment and takes the reserved stock off the shelf', () => {
      saga().given(...happyUntilAuthorized(), authorized(), confirmed(), captured(), shipmentCreated()).when(shipped()).thenSends(
        { type: 'DispatchShipment', shipmentId, trackingNumber: 'TRACK-1' },
        { type: 'CommitReservation', productId: mug, orderId },
        { type: 'CommitReservation', productId: cup, orderId },
      );
    });

    it('marks the order delivered and completes', () => {
      saga().given(...happyUntilAuthorized(), authorized(), confirmed(), captured(), shipmentCreated(), shipped()).when(delivered())
        .thenSends({ type: 'MarkOrderDelivered', orderId }).thenRecords('FulfillmentShipmentNoted', 'FulfillmentCompleted');
    });
  });

  describe('at-least-once delivery', () => {
    it('ignores a trigger it has already answered', () => {
      const again = reserved(mug, 2);
      saga().given(placed(), again).when(again).thenIgnores();
    });
    it('ignores a second OrderPlaced and an answer it did not ask for', () => {
      saga().given(placed()).when(placed()).thenIgnores();
      saga().given(...happyUntilAuthorized()).when(captured()).thenSends(); // noted, nothing sent
    });
  });

  describe('stock short', () => {
    it('cancels the order when a line is rejected', () => {
      saga().given(placed(), reserved(mug, 2)).when(rejected(cup)).thenSends(cancelOrder('out_of_stock'));
    });
    it('releases what was reserved once the order is cancelled', () => {
      saga().given(placed(), reserved(mug, 2), rejected(cup)).when(cancelled('out_of_stock')).thenSends(release(mug));
    });
    it('releases a reservation that arrives after the cancellation', () => {
      saga().given(placed(), rejected(cup), cancelled('out_of_stock')).when(reserved(mug, 2)).thenSends(release(mug));
    });
    it('completes once the released stock is confirmed back', () => {
      saga().given(placed(), reserved(mug, 2), rejected(cup), cancelled('out_of_stock')).when(released(mug))
        .thenRecords('FulfillmentReservationNoted', 'FulfillmentCompleted');
    });
    it('completes at once when nothing was reserved', () => {
      saga().given(placed(), rejected(cup), rejected(mug)).when(cancelled('out_of_stock')).thenSends().thenRecords('FulfillmentOrderNoted', 'FulfillmentCompleted');
    });
  });

  describe('payment declined', () => {
    it('cancels the order, then releases the stock', () => {
      saga().given(...happyUntilAuthorized()).when(declined()).thenSends(cancelOrder('payment_declined'))
        .thenRecords('FulfillmentPaymentNoted', 'PaymentDeadlineCleared');
      saga().given(...happyUntilAuthorized(), declined()).when(cancelled('payment_declined')).thenSends(release(mug), release(cup));
    });
  });

  describe('payment deadline', () => {
    it('cancels the order when no payment answer came before the deadline', () => {
      const s = saga();
      const given = s.given(...happyUntilAuthorized());
      s.clock.advance(DEADLINE_MS);
      given.when(deadlinePassed(given.state.deadline!)).thenSends(cancelOrder('payment_timeout')).thenRecords('PaymentDeadlineExpired');
    });
    it('ignores the deadline once the payment has arrived', () => {
      const s = saga();
      const dueAt = s.given(...happyUntilAuthorized()).state.deadline!;
      s.given(...happyUntilAuthorized(), authorized()).when(deadlinePassed(dueAt)).thenIgnores();
    });
    it('ignores a deadline that is not the armed one', () => {
      saga().given(...happyUntilAuthorized()).when(deadlinePassed('2000-01-01T00:00:00.000Z')).thenIgnores();
    });
    it('voids an authorization that arrives after the deadline cancelled the order, and never ships', () => {
      const s = saga();
      const dueAt = s.given(...happyUntilAuthorized()).state.deadline!;
      const late = s.given(...happyUntilAuthorized(), deadlinePassed(dueAt), cancelled('payment_timeout')).when(authorized());
      late.thenSends({ type: 'VoidPayment', paymentId });
      expect(late.state.phase).toBe('cancelled');
      s.given(...happyUntilAuthorized(), deadlinePassed(dueAt), cancelled('payment_timeout'), released(mug), released(cup), authorized()).when(voided())
        .thenRecords('FulfillmentPaymentNoted', 'FulfillmentCompleted');
    });
    it('releases the stock when the deadline cancels the order', () => {
      const s = saga();
      const dueAt = s.given(...happyUntilAuthorized()).state.deadline!;
      s.given(...happyUntilAuthorized(), deadlinePassed(dueAt)).when(cancelled('payment_timeout')).thenSends(release(mug), release(cup));
    });
    it('waits for a pending authorization before completing a cancelled order', () => {
      const s = saga();
      const dueAt = s.given(...happyUntilAuthorized()).state.deadline!;
      const history = [...happyUntilAuthorized(), deadlinePassed(dueAt), cancelled('payment_timeout'), released(mug), released(cup)];
      expect(s.given(...history).state.phase).toBe('cancelled');
      s.given(...history).when(declined()).thenRecords('FulfillmentPaymentNoted', 'FulfillmentCompleted');
    });
  });

  describe('customer cancels before dispatch', () => {
    it('while reserving: releases what is reserved, and what comes later', () => {
      saga().given(placed(), reserved(mug, 2)).when(cancelled('customer_request')).thenSends(release(mug));
      saga().given(placed(), reserved(mug, 2), cancelled('customer_request')).when(reserved(cup)).thenSends(release(cup));
    });
    it('after authorization: releases the stock and voids the payment', () => {
      saga().given(...happyUntilAuthorized(), authorized()).when(cancelled('customer_request')).thenSends(
        release(mug), release(cup), { type: 'VoidPayment', paymentId },
      );
    });
    it('after capture: releases the stock, refunds the payment and cancels the shipment', () => {
      saga().given(...happyUntilAuthorized(), authorized(), confirmed(), captured(), shipmentCreated()).when(cancelled('customer_request', 'confirmed')).thenSends(
        release(mug), release(cup), { type: 'RefundPayment', paymentId }, { type: 'CancelShipment', shipmentId },
      );
    });
    it('refunds a capture that won the race against the void', () => {
      saga().given(...happyUntilAuthorized(), authorized(), confirmed(), cancelled('customer_request', 'confirmed')).when(captured())
        .thenSends({ type: 'RefundPayment', paymentId });
    });
    it('cancels a shipment created after the cancellation', () => {
      saga().given(...happyUntilAuthorized(), authorized(), confirmed(), captured(), cancelled('customer_request', 'confirmed')).when(shipmentCreated())
        .thenSends({ type: 'CancelShipment', shipmentId });
    });
    it('completes once stock, payment and shipment are all given back', () => {
      const history = [
        ...happyUntilAuthorized(), authorized(), confirmed(), captured(), shipmentCreated(), cancelled('customer_request', 'confirmed'),
        released(mug), released(cup), refunded(),
      ];
      saga().given(...history).when(shipmentCancelled()).thenRecords('FulfillmentShipmentNoted', 'FulfillmentCompleted');
    });
    it('never reacts to a cancellation twice', () => {
      saga().given(placed(), reserved(mug, 2), cancelled('customer_request')).when(cancelled('customer_request')).thenIgnores();
    });
  });
});
