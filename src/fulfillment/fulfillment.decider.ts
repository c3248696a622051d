// The order fulfillment process manager, as a pure decider (DESIGN.md, "Sagas"):
//
//   decide({type: Answer<Trigger>, trigger, now, paymentDeadlineMs}, state) -> saga events
//
// A trigger is an event of another context (or a deadline coming due); the saga answers with
// its own events, kept in the stream fulfillment-<orderId>. Each saga event names the trigger
// it answers and carries the commands that answer sends, so the runtime can (re)send them
// after a crash and the state knows what has been asked for. No clock, no I/O: `now` comes in.
//
//   OrderPlaced -> ReserveStock per line -> all reserved -> AuthorizePayment (+ deadline)
//   PaymentAuthorized -> ConfirmOrder; OrderConfirmed -> CapturePayment;
//   PaymentCaptured -> CreateShipment; (staff dispatch) OrderShipped -> DispatchShipment,
//   CommitReservation per line; ShipmentDelivered -> MarkOrderDelivered.
//   Failures: a line short, payment declined, or no payment by the deadline -> CancelOrder.
//   Any OrderCancelled (the saga's own or the customer's) -> compensate what is held:
//   ReleaseStock per reserved line, VoidPayment (authorized) or RefundPayment (captured),
//   CancelShipment (created). Answers arriving after the cancellation are compensated as they
//   come (a late authorization is voided, a late reservation released). The saga completes once
//   nothing is held any more.
import { typesMarkedTrue, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { instantAfter } from '../decider/instants.js';
import { ERASED_ADDRESS, type PersonalDataOf, type PersonalFields } from '../decider/personal-data.js';
import type { CommitReservation, ReleaseStock, ReserveStock, ReservationEvent } from '../inventory/inventory.decider.js';
import type { Money } from '../money/money.js';
import type { CancelOrder, CancellationReason, ConfirmOrder, MarkOrderDelivered, OrderEvent, ShippingAddress } from '../ordering/ordering.decider.js';
import type { AuthorizePayment, CapturePayment, PaymentEvent, RefundPayment, VoidPayment } from '../payments/payments.decider.js';
import type { CancelShipment, CreateShipment, DispatchShipment, ShippingEvent } from '../shipping/shipping.decider.js';

/** A deadline coming due, delivered by the deadline scheduler (not an event of any stream). */
export type PaymentDeadlinePassed = DomainEvent<'PaymentDeadlinePassed', { orderId: string; dueAt: string }>;

/**
 * The events of other contexts the saga reacts to (the subscription's store-side filter). Every
 * event of those contexts is marked, so a new one does not go unheard without a decision.
 */
export const FULFILLMENT_TRIGGER_TYPES = typesMarkedTrue({
  OrderPlaced: true, OrderConfirmed: true, OrderCancelled: true, OrderShipped: true, OrderDelivered: false,
  StockReserved: true, StockReservationRejected: true, StockReleased: true, ReservedStockShipped: false,
  PaymentAuthorizationRequested: false, PaymentAuthorized: true, PaymentDeclined: true, PaymentCaptured: true, PaymentVoided: true, PaymentRefunded: true,
  ShipmentCreated: true, ShipmentDispatched: false, ShipmentDelivered: true, ShipmentCancelled: true,
} as const satisfies Record<(OrderEvent | ReservationEvent | PaymentEvent | ShippingEvent)['type'], boolean>);

type Reacted<E extends DomainEvent> = E extends { type: (typeof FULFILLMENT_TRIGGER_TYPES)[number] } ? E : never;

/** What the saga is told: an event it reacts to, with its id and the correlation it belongs to. */
export type FulfillmentTrigger = (Reacted<OrderEvent | ReservationEvent | PaymentEvent | ShippingEvent> | PaymentDeadlinePassed) & {
  eventId: string;
  correlationId: string;
};

export type FulfillmentCommand =
  | ReserveStock | ReleaseStock | CommitReservation
  | AuthorizePayment | CapturePayment | VoidPayment | RefundPayment
  | ConfirmOrder | CancelOrder | MarkOrderDelivered
  | CreateShipment | DispatchShipment | CancelShipment;

// ---- saga events ----
interface Step {
  orderId: string;
  /** The event this answers: handling it again must not decide again. */
  trigger: { eventId: string; type: string };
  /** What this step sends, in order; command ids derive from the trigger and the index. */
  commands: FulfillmentCommand[];
}

export type FulfillmentStarted = DomainEvent<
  'FulfillmentStarted',
  Step & {
    customerId: string; correlationId: string; lines: { productId: string; quantity: number }[];
    paymentId: string; shipmentId: string; amount: Money; shippingAddress: ShippingAddress;
  }
>;
/**
 * v1 of FulfillmentStarted carried the payment token, and v1 of FulfillmentReservationNoted the
 * AuthorizePayment command with it; v2 of both leave it out of the log (fulfillment.upcasters.ts).
 */
export const TOKENLESS_SAGA_EVENT_VERSION = 2;
export type ReservationNoted = DomainEvent<'FulfillmentReservationNoted', Step & { productId: string; outcome: 'reserved' | 'rejected' | 'released' }>;
export type PaymentNoted = DomainEvent<'FulfillmentPaymentNoted', Step & { outcome: 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded' }>;
export type OrderNoted = DomainEvent<'FulfillmentOrderNoted', Step & { outcome: 'confirmed' | 'cancelled' | 'shipped'; reason?: CancellationReason }>;
export type ShipmentNoted = DomainEvent<'FulfillmentShipmentNoted', Step & { outcome: 'created' | 'cancelled' | 'delivered' }>;
export type PaymentDeadlineScheduled = DomainEvent<'PaymentDeadlineScheduled', Step & { dueAt: string }>;
export type PaymentDeadlineCleared = DomainEvent<'PaymentDeadlineCleared', Step & { dueAt: string }>;
export type PaymentDeadlineExpired = DomainEvent<'PaymentDeadlineExpired', Step & { dueAt: string }>;
export type FulfillmentCompleted = DomainEvent<'FulfillmentCompleted', Step & { outcome: 'delivered' | 'cancelled' }>;

export type FulfillmentEvent =
  | FulfillmentStarted | ReservationNoted | PaymentNoted | OrderNoted | ShipmentNoted
  | PaymentDeadlineScheduled | PaymentDeadlineCleared | PaymentDeadlineExpired | FulfillmentCompleted;

export const FULFILLMENT_EVENT_TYPES = [
  'FulfillmentStarted', 'FulfillmentReservationNoted', 'FulfillmentPaymentNoted', 'FulfillmentOrderNoted', 'FulfillmentShipmentNoted',
  'PaymentDeadlineScheduled', 'PaymentDeadlineCleared', 'PaymentDeadlineExpired', 'FulfillmentCompleted',
] as const satisfies readonly FulfillmentEvent['type'][];

/** A step that sends CreateShipment carries the customer's address in the command: sealed under the customer's key. */
const stepPersonalData: PersonalFields<Step> = {
  subject: (data) => data.commands.find((command): command is CreateShipment => command.type === 'CreateShipment')?.customerId,
  erased: { 'commands.*.shippingAddress': () => ERASED_ADDRESS },
};

/** The saga's copy of the customer's address (src/personal-data); amounts, lines and ids stay readable. */
export const FULFILLMENT_PERSONAL_DATA: PersonalDataOf<FulfillmentEvent> = {
  FulfillmentStarted: { subject: (data) => data.customerId, erased: { shippingAddress: () => ERASED_ADDRESS, ...stepPersonalData.erased } },
  FulfillmentReservationNoted: stepPersonalData,
  FulfillmentPaymentNoted: stepPersonalData,
  FulfillmentOrderNoted: stepPersonalData,
  FulfillmentShipmentNoted: stepPersonalData,
  PaymentDeadlineScheduled: stepPersonalData,
  PaymentDeadlineCleared: stepPersonalData,
  PaymentDeadlineExpired: stepPersonalData,
  FulfillmentCompleted: stepPersonalData,
};

// ---- state ----
export type Phase =
  | 'reserving' | 'awaiting_payment' | 'confirming' | 'capturing' | 'creating_shipment' | 'awaiting_dispatch' | 'shipped'
  | 'cancelling' | 'cancelled' | 'completed';

type LineStatus = 'pending' | 'reserved' | 'rejected' | 'releasing' | 'released' | 'committed';
type PaymentProgress = 'none' | 'requested' | 'authorized' | 'declined' | 'captured' | 'voiding' | 'voided' | 'refunding' | 'refunded';
type ShipmentProgress = 'none' | 'requested' | 'created' | 'cancelling' | 'cancelled' | 'dispatched' | 'delivered';

export interface RunningFulfillment {
  phase: Phase;
  orderId: string;
  customerId: string;
  correlationId: string;
  paymentId: string;
  shipmentId: string;
  amount: Money;
  shippingAddress: ShippingAddress;
  lines: Record<string, { quantity: number; status: LineStatus }>;
  payment: PaymentProgress;
  shipment: ShipmentProgress;
  /** Due time of the pending payment deadline, if one is armed. */
  deadline?: string;
  cancelReason?: CancellationReason;
  outcome?: 'delivered' | 'cancelled';
  /** Ids of the triggers already answered. */
  handled: string[];
}

export type FulfillmentState = { phase: 'none'; handled: string[] } | RunningFulfillment;

export const initialFulfillmentState: FulfillmentState = { phase: 'none', handled: [] };

interface DecideContext {
  now: Date;
  paymentDeadlineMs: number;
}

/** The saga's one command: answer a trigger. Time comes in as data: the clock's `now`. */
export type AnswerTrigger = DecideContext & {
  /** Answer<TriggerType>, e.g. AnswerOrderPlaced: what auditors read as the command type. */
  type: `Answer${FulfillmentTrigger['type']}`;
  trigger: FulfillmentTrigger;
};

export const answerTrigger = (trigger: FulfillmentTrigger, context: DecideContext): AnswerTrigger => ({ type: `Answer${trigger.type}`, trigger, ...context });

// ---- decide ----

export function decideFulfillment(state: FulfillmentState, trigger: FulfillmentTrigger, context: DecideContext): FulfillmentEvent[] {
  if (state.handled.includes(trigger.eventId)) return [];
  const step = (orderId: string, commands: FulfillmentCommand[] = []): Step => ({ orderId, trigger: { eventId: trigger.eventId, type: trigger.type }, commands });

  if (trigger.type === 'OrderPlaced') {
    if (state.phase !== 'none') return [];
    const { orderId, customerId, lines, total, paymentId, shipmentId, shippingAddress } = trigger.data;
    const reserve = lines.map((line): ReserveStock => ({ type: 'ReserveStock', productId: line.productId, orderId, quantity: line.quantity }));
    return [{
      type: 'FulfillmentStarted',
      schemaVersion: TOKENLESS_SAGA_EVENT_VERSION,
      data: {
        ...step(orderId, reserve), customerId, correlationId: trigger.correlationId,
        lines: lines.map(({ productId, quantity }) => ({ productId, quantity })),
        paymentId, shipmentId, amount: total, shippingAddress,
      },
    }];
  }
  if (state.phase === 'none' || state.phase === 'completed') return [];
  const s = state;
  const at = (commands: FulfillmentCommand[] = []) => step(s.orderId, commands);

  /** The noted event, then whatever follows from the state it leads to. */
  const noting = (noted: FulfillmentEvent, extra: FulfillmentEvent[] = []): FulfillmentEvent[] => {
    const events = [noted, ...extra];
    const after = events.reduce(evolveFulfillment, state as FulfillmentState);
    if (after.phase === 'cancelled' && isSettled(after)) events.push({ type: 'FulfillmentCompleted', data: { ...at(), outcome: 'cancelled' } });
    return events;
  };
  const clearDeadline = (): FulfillmentEvent[] => (s.deadline ? [{ type: 'PaymentDeadlineCleared', data: { ...at(), dueAt: s.deadline } }] : []);
  const cancelOrder = (reason: CancellationReason): CancelOrder => ({ type: 'CancelOrder', orderId: s.orderId, reason });

  switch (trigger.type) {
    case 'StockReserved': {
      const line = s.lines[trigger.data.productId];
      if (line?.status !== 'pending') return [];
      const noted = (commands: FulfillmentCommand[]): ReservationNoted => ({
        type: 'FulfillmentReservationNoted', schemaVersion: TOKENLESS_SAGA_EVENT_VERSION, data: { ...at(commands), productId: trigger.data.productId, outcome: 'reserved' },
      });
      if (s.phase === 'cancelled') return noting(noted([releaseOf(s, trigger.data.productId)]));
      const allReserved = Object.entries(s.lines).every(([productId, l]) => productId === trigger.data.productId || l.status === 'reserved');
      if (s.phase !== 'reserving' || !allReserved) return noting(noted([]));
      const dueAt = instantAfter(context.now, context.paymentDeadlineMs);
      const authorize: AuthorizePayment = { type: 'AuthorizePayment', paymentId: s.paymentId, orderId: s.orderId, amount: s.amount };
      return noting(noted([authorize]), [{ type: 'PaymentDeadlineScheduled', data: { ...at(), dueAt } }]);
    }
    case 'StockReservationRejected': {
      const line = s.lines[trigger.data.productId];
      if (line?.status !== 'pending') return [];
      const commands = s.phase === 'reserving' ? [cancelOrder('out_of_stock')] : [];
      return noting({ type: 'FulfillmentReservationNoted', schemaVersion: TOKENLESS_SAGA_EVENT_VERSION, data: { ...at(commands), productId: trigger.data.productId, outcome: 'rejected' } });
    }
    case 'StockReleased': {
      const line = s.lines[trigger.data.productId];
      if (line?.status !== 'releasing') return [];
      return noting({ type: 'FulfillmentReservationNoted', schemaVersion: TOKENLESS_SAGA_EVENT_VERSION, data: { ...at(), productId: trigger.data.productId, outcome: 'released' } });
    }
    case 'PaymentDeadlinePassed': {
      if (s.phase !== 'awaiting_payment' || s.deadline !== trigger.data.dueAt) return [];
      return [{ type: 'PaymentDeadlineExpired', data: { ...at([cancelOrder('payment_timeout')]), dueAt: s.deadline } }];
    }
    case 'PaymentAuthorized': {
      if (s.payment !== 'requested') return [];
      const commands: FulfillmentCommand[] =
        s.phase === 'awaiting_payment' ? [{ type: 'ConfirmOrder', orderId: s.orderId }]
        : s.phase === 'cancelled' ? [{ type: 'VoidPayment', paymentId: s.paymentId }] // a late answer: the order is gone
        : [];
      return noting({ type: 'FulfillmentPaymentNoted', data: { ...at(commands), outcome: 'authorized' } }, s.phase === 'awaiting_payment' ? clearDeadline() : []);
    }
    case 'PaymentDeclined': {
      if (s.payment !== 'requested') return [];
      const commands = s.phase === 'awaiting_payment' ? [cancelOrder('payment_declined')] : [];
      return noting({ type: 'FulfillmentPaymentNoted', data: { ...at(commands), outcome: 'declined' } }, s.phase === 'awaiting_payment' ? clearDeadline() : []);
    }
    case 'PaymentCaptured': {
      if (s.payment === 'captured' || s.payment === 'refunding' || s.payment === 'refunded') return [];
      const commands: FulfillmentCommand[] =
        s.phase === 'capturing' ? [{ type: 'CreateShipment', shipmentId: s.shipmentId, orderId: s.orderId, customerId: s.customerId, lines: linesOf(s), shippingAddress: s.shippingAddress }]
        : s.phase === 'cancelled' ? [{ type: 'RefundPayment', paymentId: s.paymentId }] // the capture won a race with a void
        : [];
      return noting({ type: 'FulfillmentPaymentNoted', data: { ...at(commands), outcome: 'captured' } });
    }
    case 'PaymentVoided':
    case 'PaymentRefunded': {
      const outcome = trigger.type === 'PaymentVoided' ? 'voided' : 'refunded';
      if (s.payment === outcome) return [];
      return noting({ type: 'FulfillmentPaymentNoted', data: { ...at(), outcome } });
    }
    case 'OrderConfirmed': {
      if (s.phase !== 'confirming') return [];
      return noting({ type: 'FulfillmentOrderNoted', data: { ...at([{ type: 'CapturePayment', paymentId: s.paymentId }]), outcome: 'confirmed' } });
    }
    case 'OrderCancelled': {
      if (s.phase === 'cancelled') return [];
      const cancelled: FulfillmentState = { ...s, phase: 'cancelled' };
      return noting(
        { type: 'FulfillmentOrderNoted', data: { ...at(compensations(cancelled)), outcome: 'cancelled', reason: trigger.data.reason } },
        clearDeadline(),
      );
    }
    case 'OrderShipped': {
      if (s.phase !== 'awaiting_dispatch' && s.phase !== 'creating_shipment') return [];
      const commands: FulfillmentCommand[] = [
        { type: 'DispatchShipment', shipmentId: s.shipmentId, trackingNumber: trigger.data.trackingNumber },
        ...Object.keys(s.lines).map((productId): CommitReservation => ({ type: 'CommitReservation', productId, orderId: s.orderId })),
      ];
      return noting({ type: 'FulfillmentOrderNoted', data: { ...at(commands), outcome: 'shipped' } });
    }
    case 'ShipmentCreated': {
      if (s.shipment !== 'requested') return [];
      const commands: FulfillmentCommand[] = s.phase === 'cancelled' ? [{ type: 'CancelShipment', shipmentId: s.shipmentId }] : [];
      return noting({ type: 'FulfillmentShipmentNoted', data: { ...at(commands), outcome: 'created' } });
    }
    case 'ShipmentCancelled': {
      if (s.shipment === 'cancelled') return [];
      return noting({ type: 'FulfillmentShipmentNoted', data: { ...at(), outcome: 'cancelled' } });
    }
    case 'ShipmentDelivered': {
      if (s.phase !== 'shipped') return [];
      return [
        { type: 'FulfillmentShipmentNoted', data: { ...at([{ type: 'MarkOrderDelivered', orderId: s.orderId }]), outcome: 'delivered' } },
        { type: 'FulfillmentCompleted', data: { ...at(), outcome: 'delivered' } },
      ];
    }
    default:
      return unreachable(trigger);
  }
}

function releaseOf(s: RunningFulfillment, productId: string): ReleaseStock {
  return { type: 'ReleaseStock', productId, orderId: s.orderId };
}

function linesOf(s: RunningFulfillment) {
  return Object.entries(s.lines).map(([productId, { quantity }]) => ({ productId, quantity }));
}

/** What a cancelled order still holds, and the command that gives each back. */
function compensations(s: RunningFulfillment): FulfillmentCommand[] {
  const commands: FulfillmentCommand[] = Object.entries(s.lines)
    .filter(([, line]) => line.status === 'reserved')
    .map(([productId]) => releaseOf(s, productId));
  if (s.payment === 'authorized') commands.push({ type: 'VoidPayment', paymentId: s.paymentId });
  if (s.payment === 'captured') commands.push({ type: 'RefundPayment', paymentId: s.paymentId });
  if (s.shipment === 'created') commands.push({ type: 'CancelShipment', shipmentId: s.shipmentId });
  return commands;
}

/** Nothing held and nothing outstanding: a cancelled order's saga may complete. */
function isSettled(s: RunningFulfillment): boolean {
  const linesSettled = Object.values(s.lines).every((line) => line.status === 'rejected' || line.status === 'released');
  const paymentSettled = ['none', 'declined', 'voided', 'refunded'].includes(s.payment);
  const shipmentSettled = s.shipment === 'none' || s.shipment === 'cancelled';
  return linesSettled && paymentSettled && shipmentSettled;
}

// ---- evolve ----

export function evolveFulfillment(state: FulfillmentState, event: FulfillmentEvent): FulfillmentState {
  const handled = state.handled.includes(event.data.trigger.eventId) ? state.handled : [...state.handled, event.data.trigger.eventId];
  if (event.type === 'FulfillmentStarted') {
    const { orderId, customerId, correlationId, paymentId, shipmentId, amount, shippingAddress } = event.data;
    const lines = Object.fromEntries(event.data.lines.map((l) => [l.productId, { quantity: l.quantity, status: 'pending' as LineStatus }]));
    const started: RunningFulfillment = {
      phase: 'reserving', orderId, customerId, correlationId, paymentId, shipmentId, amount, shippingAddress,
      lines, payment: 'none', shipment: 'none', handled,
    };
    return afterCommands(started, event.data.commands);
  }
  if (state.phase === 'none') return { ...state, handled };
  let s: RunningFulfillment = { ...state, handled, lines: { ...state.lines } };
  switch (event.type) {
    case 'FulfillmentReservationNoted': {
      const line = s.lines[event.data.productId];
      if (line) s.lines[event.data.productId] = { ...line, status: event.data.outcome };
      break;
    }
    case 'FulfillmentPaymentNoted':
      s.payment = event.data.outcome;
      break;
    case 'FulfillmentOrderNoted':
      if (event.data.outcome === 'cancelled') s = { ...s, phase: 'cancelled', ...(event.data.reason ? { cancelReason: event.data.reason } : {}) };
      if (event.data.outcome === 'shipped') s.phase = 'shipped';
      break;
    case 'FulfillmentShipmentNoted':
      s.shipment = event.data.outcome;
      if (event.data.outcome === 'created' && s.phase === 'creating_shipment') s.phase = 'awaiting_dispatch';
      break;
    case 'PaymentDeadlineScheduled':
      s.deadline = event.data.dueAt;
      break;
    case 'PaymentDeadlineCleared':
    case 'PaymentDeadlineExpired': {
      const { deadline: _cleared, ...rest } = s;
      s = rest;
      break;
    }
    case 'FulfillmentCompleted':
      s = { ...s, phase: 'completed', outcome: event.data.outcome };
      break;
    default:
      return unreachable(event);
  }
  return afterCommands(s, event.data.commands);
}

/** The state also remembers what has been asked for, so nothing is asked twice. */
function afterCommands(state: RunningFulfillment, commands: readonly FulfillmentCommand[]): RunningFulfillment {
  let s = state;
  for (const command of commands) {
    switch (command.type) {
      case 'ReserveStock':
        break; // lines start pending
      case 'CommitReservation':
        s = withLine(s, command.productId, 'committed');
        break;
      case 'ReleaseStock':
        s = withLine(s, command.productId, 'releasing');
        break;
      case 'AuthorizePayment':
        s = { ...s, payment: 'requested', phase: s.phase === 'reserving' ? 'awaiting_payment' : s.phase };
        break;
      case 'ConfirmOrder':
        s = { ...s, phase: 'confirming' };
        break;
      case 'CapturePayment':
        s = { ...s, phase: 'capturing' };
        break;
      case 'CreateShipment':
        s = { ...s, phase: 'creating_shipment', shipment: 'requested' };
        break;
      case 'CancelOrder':
        s = s.phase === 'cancelled' ? s : { ...s, phase: 'cancelling' };
        break;
      case 'VoidPayment':
        s = { ...s, payment: 'voiding' };
        break;
      case 'RefundPayment':
        s = { ...s, payment: 'refunding' };
        break;
      case 'CancelShipment':
        s = { ...s, shipment: 'cancelling' };
        break;
      case 'DispatchShipment':
        s = { ...s, shipment: 'dispatched' };
        break;
      case 'MarkOrderDelivered':
        s = { ...s, shipment: 'delivered' };
        break;
      default:
        return unreachable(command);
    }
  }
  return s;
}

function withLine(s: RunningFulfillment, productId: string, status: LineStatus): RunningFulfillment {
  const line = s.lines[productId];
  return line ? { ...s, lines: { ...s.lines, [productId]: { ...line, status } } } : s;
}

/** The commands a step sends, from the saga events recorded for it. */
export function commandsOf(events: readonly FulfillmentEvent[]): FulfillmentCommand[] {
  return events.flatMap((event) => event.data.commands);
}

export const fulfillmentDecider: Decider<AnswerTrigger, FulfillmentEvent, FulfillmentState> = {
  initialState: initialFulfillmentState,
  decide: (command, state) => decideFulfillment(state, command.trigger, command),
  evolve: evolveFulfillment,
};

export const fulfillmentStreamId = (orderId: string) => `fulfillment-${orderId}`;
