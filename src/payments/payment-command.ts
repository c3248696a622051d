// The CommandBus message for payment commands and its handler. Capture, void and refund talk to
// the card processor first (only when the state says there is something to do), then decide with
// its receipt; the processor's idempotency key makes a repeat after a crash charge nothing twice.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { loadState } from '../command-handling/load-state.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { PAYMENT_GATEWAY, gatewayKey, type PaymentGateway } from './gateway/payment-gateway.port.js';
import { GATEWAY_BACK_OFF, retryTransient } from './gateway/retry-transient.js';
import { gatewayCallFor, paymentsDecider, paymentStreamId, type GatewayCommand, type PaymentCommand } from './payments.decider.js';

/** Commands without receipts: the handler obtains them. */
type PaymentRequest = Exclude<PaymentCommand, GatewayCommand> | { type: GatewayCommand['type']; paymentId: string };

export class PaymentCommandMessage extends Command<CommandResult> {
  constructor(
    readonly command: PaymentRequest,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(PaymentCommandMessage)
export class PaymentCommandHandler implements ICommandHandler<PaymentCommandMessage> {
  constructor(
    private readonly processor: CommandProcessor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ command, metadata }: PaymentCommandMessage): Promise<CommandResult> {
    const streamId = paymentStreamId(command.paymentId);
    const decided = command.type === 'CapturePayment' || command.type === 'VoidPayment' || command.type === 'RefundPayment'
      ? await this.withReceipt(streamId, command)
      : command;
    return this.processor.handle(paymentsDecider, { streamId, command: decided, metadata });
  }

  private async withReceipt(streamId: string, command: { type: GatewayCommand['type']; paymentId: string }): Promise<PaymentCommand> {
    const state = await loadState(this.store, paymentsDecider, streamId);
    const call = gatewayCallFor(command as GatewayCommand, state);
    if (call === null) return command as GatewayCommand;
    const retry = <T>(fn: () => Promise<T>) => retryTransient(fn, this.config.fulfillment.gatewayAttempts, GATEWAY_BACK_OFF);
    const key = gatewayKey(command.paymentId, call.operation);
    switch (call.operation) {
      case 'capture':
        return { type: 'CapturePayment', paymentId: command.paymentId, receipt: await retry(() => this.gateway.capture({ idempotencyKey: key, ...call })) };
      case 'void':
        return { type: 'VoidPayment', paymentId: command.paymentId, receipt: await retry(() => this.gateway.void({ idempotencyKey: key, ...call })) };
      case 'refund':
        return { type: 'RefundPayment', paymentId: command.paymentId, receipt: await retry(() => this.gateway.refund({ idempotencyKey: key, ...call })) };
    }
  }
}
