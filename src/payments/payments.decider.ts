// Payments: one order's payment, from the authorization request to capture, void or refund.
// Pure: events, commands, decide, evolve.
//
// The card processor is I/O, so it stays outside: an authorization is first recorded as
// requested (a worker calls the processor and records the outcome), and capture, void and
// refund carry the processor's receipt into decide. `gatewayCallFor` says, from the state
// alone, whether the processor must be called before deciding: a repeat never calls it again.
//
// Invariants: captured at most once, and only after an authorization; a voided or declined
// payment is never captured; a captured one is never voided, only refunded, and at most once.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import type { Money } from '../money/money.js';
import type { PersonalDataOf } from '../decider/personal-data.js';

// ---- events ----
export type PaymentAuthorizationRequested = DomainEvent<'PaymentAuthorizationRequested', { paymentId: string; orderId: string; amount: Money }>;
/** PaymentAuthorizationRequested v1 also carried the payment token; v2 leaves it out of the log (payments.upcasters.ts). */
export const AUTHORIZATION_REQUESTED_VERSION = 2;
/** Fields of earlier event versions that held a secret: shown to nobody (audit/redaction.ts). */
export const LEGACY_PAYMENT_SECRET_FIELDS = ['paymentToken'] as const;
export type PaymentAuthorized = DomainEvent<'PaymentAuthorized', { paymentId: string; orderId: string; amount: Money; authorizationCode: string }>;
/** reason: the processor's answer (e.g. card_declined), or gateway_unavailable when every retry failed. */
export type PaymentDeclined = DomainEvent<'PaymentDeclined', { paymentId: string; orderId: string; reason: string }>;
export type PaymentCaptured = DomainEvent<'PaymentCaptured', { paymentId: string; orderId: string; amount: Money; captureId: string }>;
export type PaymentVoided = DomainEvent<'PaymentVoided', { paymentId: string; orderId: string }>;
export type PaymentRefunded = DomainEvent<'PaymentRefunded', { paymentId: string; orderId: string; amount: Money; refundId: string }>;
export type PaymentEvent = PaymentAuthorizationRequested | PaymentAuthorized | PaymentDeclined | PaymentCaptured | PaymentVoided | PaymentRefunded;

export const PAYMENT_EVENT_TYPES = eventTypes<PaymentEvent>({
  PaymentAuthorizationRequested: true, PaymentAuthorized: true, PaymentDeclined: true,
  PaymentCaptured: true, PaymentVoided: true, PaymentRefunded: true,
});

/** Payments hold amounts and processor references, no personal data (the token never enters the log). */
export const PAYMENT_PERSONAL_DATA: PersonalDataOf<PaymentEvent> = {
  PaymentAuthorizationRequested: null, PaymentAuthorized: null, PaymentDeclined: null, PaymentCaptured: null, PaymentVoided: null, PaymentRefunded: null,
};

// ---- commands ----
export type AuthorizationOutcome = { status: 'authorized'; authorizationCode: string } | { status: 'declined'; reason: string };

/** The token is not here: it is held apart from the log (payment-tokens/) and only the worker reads it. */
export type AuthorizePayment = { type: 'AuthorizePayment'; paymentId: string; orderId: string; amount: Money };
/** The authorization worker's report of what the processor answered. */
export type RecordAuthorizationOutcome = { type: 'RecordAuthorizationOutcome'; paymentId: string; outcome: AuthorizationOutcome };
/** `receipt` is the processor's answer; absent only when gatewayCallFor says no call is needed. */
export type CapturePayment = { type: 'CapturePayment'; paymentId: string; receipt?: { captureId: string } };
export type VoidPayment = { type: 'VoidPayment'; paymentId: string; receipt?: { voided: true } };
export type RefundPayment = { type: 'RefundPayment'; paymentId: string; receipt?: { refundId: string } };
export type GatewayCommand = CapturePayment | VoidPayment | RefundPayment;
export type PaymentCommand = AuthorizePayment | RecordAuthorizationOutcome | GatewayCommand;

// ---- state ----
export type PaymentStatus = 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';

export type PaymentState =
  | { status: 'none' }
  | {
      status: PaymentStatus; paymentId: string; orderId: string; amount: Money;
      authorizationCode?: string; captureId?: string;
    };

const initialState: PaymentState = { status: 'none' };

type Existing = Exclude<PaymentState, { status: 'none' }>;

function existing(state: PaymentState, paymentId: string): Existing {
  if (state.status === 'none') throw new DomainError('not_found', 'payment_not_found', `Payment ${paymentId} does not exist`);
  return state;
}

/** What the processor must be asked before `command` can be decided; null: nothing (a repeat). Throws when refused. */
export type GatewayCall =
  | { operation: 'capture'; amount: Money; authorizationCode: string }
  | { operation: 'void'; authorizationCode: string }
  | { operation: 'refund'; amount: Money; captureId: string };

export function gatewayCallFor(command: GatewayCommand, state: PaymentState): GatewayCall | null {
  const payment = existing(state, command.paymentId);
  const refuse = (code: string, message: string): never => {
    throw new DomainError('conflict', code, `Payment ${command.paymentId}: ${message}`);
  };
  switch (command.type) {
    case 'CapturePayment':
      if (payment.status === 'captured' || payment.status === 'refunded') return null;
      if (payment.status !== 'authorized') return refuse('payment_not_capturable', `it is ${payment.status}, not authorized`);
      return { operation: 'capture', amount: payment.amount, authorizationCode: payment.authorizationCode! };
    case 'VoidPayment':
      if (payment.status === 'voided' || payment.status === 'declined') return null;
      if (payment.status === 'requested') return refuse('payment_pending', 'the authorization has not been answered yet');
      if (payment.status !== 'authorized') return refuse('payment_already_captured', 'it was captured: refund it instead');
      return { operation: 'void', authorizationCode: payment.authorizationCode! };
    case 'RefundPayment':
      if (payment.status === 'refunded') return null;
      if (payment.status !== 'captured') return refuse('payment_not_captured', `it is ${payment.status}: only a captured payment is refunded`);
      return { operation: 'refund', amount: payment.amount, captureId: payment.captureId! };
    default:
      return unreachable(command);
  }
}

function receiptOf<R>(command: GatewayCommand & { receipt?: R }): R {
  if (command.receipt === undefined) throw new Error(`${command.type} needs the payment processor's receipt`);
  return command.receipt;
}

function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'AuthorizePayment': {
      if (state.status !== 'none') return []; // requested already: one authorization per payment
      if (!(Number.isInteger(command.amount.amount) && command.amount.amount > 0)) {
        throw new DomainError('invalid', 'invalid_amount', 'A payment is a positive amount of minor units');
      }
      const { paymentId, orderId, amount } = command;
      return [{ type: 'PaymentAuthorizationRequested', schemaVersion: AUTHORIZATION_REQUESTED_VERSION, data: { paymentId, orderId, amount } }];
    }
    case 'RecordAuthorizationOutcome': {
      const payment = existing(state, command.paymentId);
      if (payment.status !== 'requested') return []; // answered already (a retried worker)
      const { paymentId, orderId, amount } = payment;
      return command.outcome.status === 'authorized'
        ? [{ type: 'PaymentAuthorized', data: { paymentId, orderId, amount, authorizationCode: command.outcome.authorizationCode } }]
        : [{ type: 'PaymentDeclined', data: { paymentId, orderId, reason: command.outcome.reason } }];
    }
    case 'CapturePayment': {
      if (gatewayCallFor(command, state) === null) return [];
      const { paymentId, orderId, amount } = existing(state, command.paymentId);
      return [{ type: 'PaymentCaptured', data: { paymentId, orderId, amount, captureId: receiptOf(command).captureId } }];
    }
    case 'VoidPayment': {
      if (gatewayCallFor(command, state) === null) return [];
      receiptOf(command);
      const { paymentId, orderId } = existing(state, command.paymentId);
      return [{ type: 'PaymentVoided', data: { paymentId, orderId } }];
    }
    case 'RefundPayment': {
      if (gatewayCallFor(command, state) === null) return [];
      const { paymentId, orderId, amount } = existing(state, command.paymentId);
      return [{ type: 'PaymentRefunded', data: { paymentId, orderId, amount, refundId: receiptOf(command).refundId } }];
    }
    default:
      return unreachable(command);
  }
}

function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'PaymentAuthorizationRequested') return { status: 'requested', ...event.data };
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PaymentAuthorized':
      return { ...state, status: 'authorized', authorizationCode: event.data.authorizationCode };
    case 'PaymentDeclined':
      return { ...state, status: 'declined' };
    case 'PaymentCaptured':
      return { ...state, status: 'captured', captureId: event.data.captureId };
    case 'PaymentVoided':
      return { ...state, status: 'voided' };
    case 'PaymentRefunded':
      return { ...state, status: 'refunded' };
    default:
      return unreachable(event);
  }
}

export const paymentsDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = { initialState, decide, evolve };

export const paymentStreamId = (paymentId: string) => `payment-${paymentId}`;
