// Counts the card processor's calls by operation and outcome, around whichever gateway the
// service uses: declines and outages are what an operator alerts on.
import { Counter } from 'prom-client';
import { metricOnce } from '../../observability/metric-registry.js';
import { GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port.js';

type Operation = keyof PaymentGateway;

const calls = metricOnce('orderstream_payment_gateway_calls_total', () => new Counter<'operation' | 'outcome'>({
  name: 'orderstream_payment_gateway_calls_total',
  help: 'Calls to the payment processor by operation and outcome (authorized, declined, ok, unavailable, error)',
  labelNames: ['operation', 'outcome'],
}));

export class MeasuredPaymentGateway implements PaymentGateway {
  constructor(private readonly gateway: PaymentGateway) {}

  authorize(request: Parameters<PaymentGateway['authorize']>[0]) {
    return this.measured('authorize', () => this.gateway.authorize(request), (answer) => answer.status);
  }

  capture(request: Parameters<PaymentGateway['capture']>[0]) {
    return this.measured('capture', () => this.gateway.capture(request));
  }

  void(request: Parameters<PaymentGateway['void']>[0]) {
    return this.measured('void', () => this.gateway.void(request));
  }

  refund(request: Parameters<PaymentGateway['refund']>[0]) {
    return this.measured('refund', () => this.gateway.refund(request));
  }

  private async measured<T>(operation: Operation, call: () => Promise<T>, outcomeOf: (answer: T) => string = () => 'ok'): Promise<T> {
    try {
      const answer = await call();
      calls.inc({ operation, outcome: outcomeOf(answer) });
      return answer;
    } catch (error) {
      calls.inc({ operation, outcome: error instanceof GatewayUnavailableError ? 'unavailable' : 'error' });
      throw error;
    }
  }
}
