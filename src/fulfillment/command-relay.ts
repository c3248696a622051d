// Sends the commands the order fulfillment saga recorded in its events: a durable subscriber
// over the fulfillment-* streams, with its own checkpoint (an outbox). Command ids derive from
// the saga event and the command's index, so a command sent again after a crash is recognised
// by its receiver (CommandProcessor answers a recorded command id from the log) and takes effect
// once. Metadata: the saga as actor, the trigger as cause, the order's correlation id.
//
// A domain refusal is a fact the saga already reacts to through events (an order cancelled while
// the saga confirms it), so it is logged, not retried. Anything else (a lost race, a processor
// outage) is retried with back-off; if it still fails the batch fails and the runner retries it.
//
// The runner begins the next batch while this one's commands wait for their fsync
// (overlappingBatches): every saga event joins its saga stream's queue when its batch is handed
// over, so one order's steps are still relayed in log order. A step's per-line fan-out (ReserveStock
// for each line, and the like: one type, one product each) is sent at once, not line after line.
import type { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { eventOf } from '../command-handling/load-state.js';
import { DomainError } from '../decider/domain-error.js';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import { ReservationCommandMessage } from '../inventory/reservations/reservation.command.js';
import { OrderCommandMessage } from '../ordering/order-command.js';
import { PaymentCommandMessage } from '../payments/payment-command.js';
import { ShipmentCommandMessage } from '../shipping/shipment-command.js';
import { backOffDelay, type BackOff } from '../scheduling/back-off.js';
import { KeyedSerializer } from '../scheduling/keyed-serializer.js';
import { messageOf } from '../subscriptions/event-processing-error.js';
import type { EventHandler } from '../subscriptions/subscriber.js';
import { unreachable } from '../decider/decider.js';
import { inEventSpan } from '../observability/tracing.js';
import { FULFILLMENT_ACTOR } from './fulfillment-saga.js';
import { fulfillmentDecider, type FulfillmentCommand } from './fulfillment.decider.js';

const COMMAND_NAMESPACE = '8b2e4f61-c9d3-4a7b-85e0-6f1d3c9a2b58';

export interface RelayOptions {
  attempts: number;
  backOff: BackOff;
}

interface Logger {
  warn(message: string): void;
}

/** Reads every event and keeps the saga's (see FulfillmentSaga on why there is no store-side filter). */
export class FulfillmentCommandRelay implements EventHandler {
  readonly name = 'order-fulfillment-commands';
  /** Batches in progress at once: each waits mostly for its commands' fsync. */
  readonly overlappingBatches = 4;
  private readonly turns = new KeyedSerializer();

  constructor(
    private readonly commands: Pick<CommandBus, 'execute'>,
    private readonly logger: Logger,
    private readonly options: RelayOptions = { attempts: 20, backOff: { initialDelayMs: 20, maxDelayMs: 3_000 } },
  ) {}

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const relayed: Promise<void>[] = [];
    for (const event of events) {
      if (!event.streamId.startsWith('fulfillment-')) continue;
      // Queued now, in log order: the stream's turns keep that order across overlapping batches.
      relayed.push(this.turns.run(event.streamId, () => inEventSpan(`saga relay ${event.type}`, event, () => this.relay(event))));
    }
    const outcomes = await Promise.allSettled(relayed);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * The saga's fast path: sends the commands of steps it has just recorded, once each, without
   * waiting for them to come round the log. Failures and refusals are left to the relay's own pass
   * over the same events (which sends them again: the receivers answer a recorded command id from
   * the log), so they are reported once, there.
   */
  async sendRecorded(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      try {
        await this.relay(event, { once: true });
      } catch {
        return; // the relay's pass sends this and what follows it, in order
      }
    }
  }

  private async relay(event: RecordedEvent, { once } = { once: false }): Promise<void> {
    const commands = eventOf(fulfillmentDecider, event).data.commands ?? [];
    const metadata = (index: number): CommandMetadata => ({
      commandId: uuidv5(`${event.eventId}/${index}`, COMMAND_NAMESPACE),
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      actor: FULFILLMENT_ACTOR,
    });
    if (commands.length > 1 && commands.every((command) => command.type === commands[0]!.type)) {
      // One command per line, each to its own product: independent of one another.
      const outcomes = await Promise.allSettled(commands.map((command, index) => this.send(command, metadata(index), once)));
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      return;
    }
    for (const [index, command] of commands.entries()) await this.send(command, metadata(index), once);
  }

  /** Sends with retries; `once`: one try, and any failure (a refusal too) thrown to the caller. */
  private async send(command: FulfillmentCommand, metadata: CommandMetadata, once = false): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commands.execute(messageFor(command, metadata));
        return;
      } catch (error) {
        if (once) throw error;
        if (error instanceof DomainError) {
          this.logger.warn(`Order fulfillment: ${command.type} was refused (${error.code}): ${error.message}`);
          return;
        }
        if (attempt >= this.options.attempts) throw error;
        await new Promise((done) => setTimeout(done, backOffDelay(this.options.backOff, attempt)));
        if (attempt % 5 === 0) this.logger.warn(`Order fulfillment: ${command.type} failed ${attempt} times (${messageOf(error)}); retrying`);
      }
    }
  }
}

function messageFor(command: FulfillmentCommand, metadata: CommandMetadata) {
  switch (command.type) {
    case 'ReserveStock':
    case 'ReleaseStock':
    case 'CommitReservation':
      return new ReservationCommandMessage(command, metadata);
    case 'AuthorizePayment':
    case 'CapturePayment':
    case 'VoidPayment':
    case 'RefundPayment':
      return new PaymentCommandMessage(command, metadata);
    case 'ConfirmOrder':
    case 'CancelOrder':
    case 'MarkOrderDelivered':
      return new OrderCommandMessage(command, metadata);
    case 'CreateShipment':
    case 'DispatchShipment':
    case 'CancelShipment':
      return new ShipmentCommandMessage(command, metadata);
    default:
      return unreachable(command);
  }
}
