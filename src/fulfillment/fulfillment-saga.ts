// The order fulfillment saga's runtime: a durable subscriber (its own checkpoint) that answers
// each trigger through CommandProcessor, like every other command: the saga decider (time as data
// in its command) appends its events to fulfillment-<orderId>. The commands are recorded in the
// saga events and the command relay (command-relay.ts) sends them from there, so a crash between
// "decided" and "sent" loses nothing, whichever way the step was triggered (an event or a
// deadline). Once a step is recorded (durable), the saga also hands its events to the relay at
// once (an outbox sent right after the commit): each order step then costs one trip round the
// log, not two. The relay's own pass sends them again; receivers answer a recorded command id from
// the log, so that costs a lookup, not an effect.
//
// At-least-once delivery: a trigger answered before is recognised twice over, by its command id
// (derived from the trigger: the processor answers a recorded command from the log) and by the
// saga state (the triggers it has handled). Orders are independent, so a batch is worked per
// order concurrently, each order in log order, and one order's answers take turns. The runner
// begins the next batch while this one's appends wait for their fsync (overlappingBatches): every
// trigger of a batch joins its order's queue when the batch is handed over, so an order's triggers
// are still answered in log order whichever batch they came in. (Only a failed answer can let a
// later trigger of its order go first; the retry answers the failed one after it, and the decider
// answers late or crossed triggers, as it must for a customer's cancellation racing its steps.)
import { v5 as uuidv5 } from 'uuid';
import type { Clock } from '../clock/clock.js';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import type { CommandProcessor, CommandResult } from '../command-handling/command-processor.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.port.js';
import { KeyedSerializer } from '../scheduling/keyed-serializer.js';
import type { EventHandler } from '../subscriptions/subscriber.js';
import { inEventSpan } from '../observability/tracing.js';
import {
  FULFILLMENT_TRIGGER_TYPES,
  answerTrigger,
  fulfillmentDecider,
  fulfillmentStreamId,
  type FulfillmentState,
  type FulfillmentTrigger,
} from './fulfillment.decider.js';

/** Most events one answer appends (a note, a deadline armed or cleared, a completion), with room to spare. */
const MAX_EVENTS_PER_STEP = 8;
const STEP_NAMESPACE = '3f6d2b8e-7a14-4c59-b0e3-9d8c1a5f2e76';
export const FULFILLMENT_ACTOR = { system: 'order-fulfillment' } as const;

// Why no store-side `filter` (AllFilter) here: the catch-up subscription reports no progress past
// events a filter skips, so a filtered subscriber's checkpoint would stop at its last matching
// event instead of following the head, and "every subscriber has caught up with the head" (the
// crash tests, /v1/admin/subscriptions) would never hold. The saga reads every event and keeps
// these types; once the subscription reports filtered progress, this becomes
// `filter = { eventTypes: [...FULFILLMENT_TRIGGER_TYPES] }`.
const TRIGGER_TYPES: ReadonlySet<string> = new Set(FULFILLMENT_TRIGGER_TYPES);

/** The command relay's fast path (FulfillmentCommandRelay.sendRecorded). */
interface StepSender {
  sendRecorded(events: readonly RecordedEvent[]): Promise<void>;
}

export class FulfillmentSaga implements EventHandler {
  readonly name = 'order-fulfillment';
  /** Batches in progress at once: each waits mostly for its appends' fsync, not for the processor. */
  readonly overlappingBatches = 4;
  private readonly turns = new KeyedSerializer();
  /** Per order: the steps being sent at once, in order. */
  private readonly sends = new KeyedSerializer();

  constructor(
    private readonly processor: Pick<CommandProcessor, 'handle'>,
    private readonly clock: Clock,
    private readonly paymentDeadlineMs: number,
    /** Sends a recorded step's commands at once; without it only the relay's pass sends them. */
    private readonly sendAtOnce?: { store: Pick<EventStore, 'readStream'>; relay: StepSender },
  ) {}

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const answers: Promise<CommandResult>[] = [];
    for (const event of events) {
      if (!TRIGGER_TYPES.has(event.type)) continue;
      const orderId = (event.data as { orderId?: string }).orderId;
      if (typeof orderId !== 'string') continue;
      // Queued now, in log order: the order's turns keep that order across overlapping batches.
      answers.push(this.turns.run(orderId, () => inEventSpan(`saga ${event.type}`, event, () => this.decideAndRecord(triggerOf(event)))));
    }
    const outcomes = await Promise.allSettled(answers);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Answers one trigger: decide against the saga's state and append. `causationId` names what
   * caused the step when the trigger is not itself an event (a deadline: the event that armed it).
   */
  answer(trigger: FulfillmentTrigger, causationId = trigger.eventId): Promise<CommandResult> {
    return this.turns.run(trigger.data.orderId, () => this.decideAndRecord(trigger, causationId));
  }

  /** Answers one trigger now; the caller holds the order's turn. */
  private async decideAndRecord(trigger: FulfillmentTrigger, causationId = trigger.eventId): Promise<CommandResult> {
    const orderId = trigger.data.orderId;
    const streamId = fulfillmentStreamId(orderId);
    const commandId = uuidv5(`${streamId}/${trigger.eventId}`, STEP_NAMESPACE);
    // Every step carries the order's correlation id (the one OrderPlaced came with), whatever
    // request the trigger itself came from (a customer's cancellation, a staff dispatch).
    const metadata = (state: FulfillmentState): CommandMetadata => ({
      commandId,
      correlationId: state.phase === 'none' ? trigger.correlationId : state.correlationId,
      causationId,
      actor: FULFILLMENT_ACTOR,
    });
    const command = answerTrigger(trigger, { now: this.clock.now(), paymentDeadlineMs: this.paymentDeadlineMs });
    const result = await this.processor.handle(fulfillmentDecider, { streamId, command, metadata });
    // Not awaited: the saga's next trigger need not wait for this step's receivers (the relay's
    // pass is what the checkpoint vouches for). One order's steps still go out in order.
    if (this.sendAtOnce) void this.sends.run(orderId, () => this.sendStep(streamId, commandId, result));
    return result;
  }

  /** Sends the commands of the step `commandId` recorded; a failure is left to the relay's pass. */
  private async sendStep(streamId: string, commandId: string, result: CommandResult): Promise<void> {
    const { store, relay } = this.sendAtOnce!;
    try {
      // A step appends a few events (a note, a deadline, a completion): its own are among the last.
      const recent = await store.readStream(streamId, { fromRevision: Math.max(0, result.revision - MAX_EVENTS_PER_STEP + 1) });
      await relay.sendRecorded(recent.filter((event) => event.metadata.commandId === commandId));
    } catch {
      // The store did not answer the read: the relay sends the step from the log.
    }
  }
}

function triggerOf(event: RecordedEvent): FulfillmentTrigger {
  return { type: event.type, data: event.data, eventId: event.eventId, correlationId: event.metadata.correlationId } as FulfillmentTrigger;
}
