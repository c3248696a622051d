// Payments: the command handler (processor calls for capture, void and refund), the payment
// processor behind the PaymentGateway port (the deterministic test processor by default), and
// the authorization worker that answers authorization requests off the saga's path.
import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { paymentRequestsProjection } from '../../projections/payment-requests/payment-requests.projection.js';
import { SubscriptionRunner } from '../subscriptions/subscription-runner.js';
import { LEASES, type Leases } from '../leases/leases.js';
import { AuthorizationWorker } from './authorization-worker/authorization-worker.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from './gateway/payment-gateway.port.js';
import { TestPaymentGateway } from './gateway/test-payment-gateway.js';
import { MeasuredPaymentGateway } from './gateway/measured-payment-gateway.js';
import { PaymentCommandHandler } from './payment-command.js';
import { PaymentTokens } from './payment-tokens/payment-tokens.js';
import type { LogData } from '../access/log-read-policy.js';
import { PAYMENT_EVENT_TYPES, paymentStreamId } from './payments.decider.js';

/** Payments in the log: amounts (tokens only in events written before they left the log; src/access/log-read-policy.ts). */
export const paymentsLogData: LogData = { kind: 'payments', streamPrefixes: [paymentStreamId('')], eventTypes: PAYMENT_EVENT_TYPES, permission: 'payments.read-log' };

@Module({
  providers: [
    {
      provide: PAYMENT_GATEWAY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): PaymentGateway =>
        new MeasuredPaymentGateway(new TestPaymentGateway({ slowMs: config.fulfillment.testGatewaySlowMs, transientFailures: config.fulfillment.testGatewayTransientFailures })),
    },
    PaymentCommandHandler,
    PaymentTokens,
    {
      provide: AuthorizationWorker,
      inject: [READ_STORE, PAYMENT_GATEWAY, PaymentTokens, CommandBus, APP_CONFIG, LEASES],
      useFactory: (readStore: ReadStore, gateway: PaymentGateway, tokens: PaymentTokens, commands: CommandBus, config: AppConfig, leases: Leases) =>
        new AuthorizationWorker(readStore, gateway, tokens, commands, config.fulfillment, new Logger('PaymentAuthorization'), leases.gate('payment-authorization')),
    },
  ],
  exports: [PaymentTokens],
})
export class PaymentsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopWaking: (() => void) | undefined;

  constructor(
    @Inject(AuthorizationWorker) private readonly worker: AuthorizationWorker,
    @Inject(SubscriptionRunner) private readonly subscriptions: SubscriptionRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.worker.start();
    // Woken when the payment requests' projection moves, so an authorization request waits for
    // no poll interval (FULFILLMENT_POLL_MS remains the fallback).
    let seen: bigint | undefined;
    const name = paymentRequestsProjection.name;
    this.stopWaking = this.subscriptions.onProgress(() => {
      // Any move wakes it while the projection is not (yet) registered with the runner.
      const checkpoint = this.subscriptions.subscriberNames.includes(name) ? this.subscriptions.progress(name).checkpoint : undefined;
      if (checkpoint === seen) return;
      seen = checkpoint;
      this.worker.wake();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopWaking?.();
    await this.worker.stop();
  }
}
