// The default PaymentGateway: a deterministic stand-in for a card processor's test mode.
//   tok_ok        authorizes
//   tok_declined  declines (card_declined)
//   tok_slow      authorizes after `slowMs`
//   tok_error     fails transiently `transientFailures` times per idempotency key, then authorizes
//   any other     declines (unknown_token)
// Answers are remembered by idempotency key, like a processor's: a repeated call gets the same
// answer. (In memory: a restart forgets them, which only makes repeats look like first calls.)
import { createHash } from 'node:crypto';
import type { Money } from '../../money/money.js';
import { GatewayUnavailableError, type AuthorizationAnswer, type PaymentGateway } from './payment-gateway.port.js';

export interface TestGatewayOptions {
  slowMs: number;
  transientFailures: number;
}

export class TestPaymentGateway implements PaymentGateway {
  private readonly answers = new Map<string, Promise<unknown>>();
  private readonly failures = new Map<string, number>();
  /** Every call, in order: tests look at what reached the processor. */
  readonly calls: { operation: string; idempotencyKey: string }[] = [];

  constructor(private readonly options: TestGatewayOptions) {}

  authorize({ idempotencyKey, paymentToken }: { idempotencyKey: string; paymentToken: string; amount: Money }): Promise<AuthorizationAnswer> {
    return this.once('authorize', idempotencyKey, paymentToken, async () => {
      switch (paymentToken) {
        case 'tok_ok':
        case 'tok_error':
          return { status: 'authorized', authorizationCode: code('auth', idempotencyKey) };
        case 'tok_slow':
          await new Promise((done) => setTimeout(done, this.options.slowMs));
          return { status: 'authorized', authorizationCode: code('auth', idempotencyKey) };
        case 'tok_declined':
          return { status: 'declined', reason: 'card_declined' };
        default:
          return { status: 'declined', reason: 'unknown_token' };
      }
    });
  }

  capture({ idempotencyKey }: { idempotencyKey: string }): Promise<{ captureId: string }> {
    return this.once('capture', idempotencyKey, undefined, async () => ({ captureId: code('cap', idempotencyKey) }));
  }

  void({ idempotencyKey }: { idempotencyKey: string }): Promise<{ voided: true }> {
    return this.once('void', idempotencyKey, undefined, async () => ({ voided: true as const }));
  }

  refund({ idempotencyKey }: { idempotencyKey: string }): Promise<{ refundId: string }> {
    return this.once('refund', idempotencyKey, undefined, async () => ({ refundId: code('ref', idempotencyKey) }));
  }

  private once<T>(operation: string, idempotencyKey: string, token: string | undefined, answer: () => Promise<T>): Promise<T> {
    this.calls.push({ operation, idempotencyKey });
    const known = this.answers.get(idempotencyKey);
    if (known) return known as Promise<T>;
    if (token === 'tok_error') {
      const failed = this.failures.get(idempotencyKey) ?? 0;
      if (failed < this.options.transientFailures) {
        this.failures.set(idempotencyKey, failed + 1);
        return Promise.reject(new GatewayUnavailableError(`test processor: transient failure ${failed + 1} of ${this.options.transientFailures}`));
      }
    }
    const result = answer();
    this.answers.set(idempotencyKey, result);
    return result;
  }
}

const code = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
