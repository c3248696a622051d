// The PaymentGateway port: what the service needs from a card processor. Every call carries an
// idempotency key derived from the payment id, so a call repeated after a crash or a timeout is
// answered as the first one was and never charges twice (as real processors' keys work).
import type { Money } from '../../money/money.js';

export type AuthorizationAnswer = { status: 'authorized'; authorizationCode: string } | { status: 'declined'; reason: string };

export interface PaymentGateway {
  authorize(request: { idempotencyKey: string; paymentToken: string; amount: Money }): Promise<AuthorizationAnswer>;
  capture(request: { idempotencyKey: string; authorizationCode: string; amount: Money }): Promise<{ captureId: string }>;
  void(request: { idempotencyKey: string; authorizationCode: string }): Promise<{ voided: true }>;
  refund(request: { idempotencyKey: string; captureId: string; amount: Money }): Promise<{ refundId: string }>;
}

/** The processor could not answer this time (timeout, 5xx): retrying with the same key is safe. */
export class GatewayUnavailableError extends Error {
  readonly code = 'payment_gateway_unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'GatewayUnavailableError';
  }
}

export const PAYMENT_GATEWAY = Symbol('PaymentGateway');

/** Idempotency keys: one per payment and operation. */
export const gatewayKey = (paymentId: string, operation: 'authorize' | 'capture' | 'void' | 'refund') => `${paymentId}:${operation}`;
