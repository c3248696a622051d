// The order fulfillment saga's runtime: a durable subscriber (its own checkpoint) that answers
// each trigger through CommandProcessor, like every other command: the saga decider (time as data
// in its command) appends its events to fulfillment-<orderId>. It sends nothing itself: the
// commands are recorded in the saga events and the command relay (command-relay.ts) sends them
// from there, so a crash between "decided" and "sent" loses nothing, whichever way the step was
// triggered (an event or a deadline).
//
// At-least-once delivery: a trigger answered before is recognised twice over, by its command id
// (derived from the trigger: the processor answers a recorded command from the log) and by the
// saga state (the triggers it has handled). Orders are independent, so a batch is worked per
// order concurrently, each order in log order, and one order's answers take turns.
import { v5 as uuidv5 } from 'uuid';
import type { Clock } from '../clock/clock.js';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import type { CommandProcessor, CommandResult } from '../command-handling/command-processor.js';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
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

const STEP_NAMESPACE = '3f6d2b8e-7a14-4c59-b0e3-9d8c1a5f2e76';
export const FULFILLMENT_ACTOR = { system: 'order-fulfillment' } as const;

// Why no store-side `filter` (AllFilter) here: the catch-up subscription reports no progress past
// events a filter skips, so a filtered subscriber's checkpoint would stop at its last matching
// event instead of following the head, and "every subscriber has caught up with the head" (the
// crash tests, /v1/admin/subscriptions) would never hold. The saga reads every event and keeps
// these types; once the subscription reports filtered progress, this becomes
// `filter = { eventTypes: [...FULFILLMENT_TRIGGER_TYPES] }`.
const TRIGGER_TYPES: ReadonlySet<string> = new Set(FULFILLMENT_TRIGGER_TYPES);

export class FulfillmentSaga implements EventHandler {
  readonly name = 'order-fulfillment';
  private readonly turns = new KeyedSerializer();

  constructor(
    private readonly processor: Pick<CommandProcessor, 'handle'>,
    private readonly clock: Clock,
    private readonly paymentDeadlineMs: number,
  ) {}

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const byOrder = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (!TRIGGER_TYPES.has(event.type)) continue;
      const orderId = (event.data as { orderId?: string }).orderId;
      if (typeof orderId !== 'string') continue;
      byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), event]);
    }
    const outcomes = await Promise.allSettled(
      [...byOrder.values()].map(async (orderEvents) => {
        for (const event of orderEvents) await inEventSpan(`saga ${event.type}`, event, () => this.answer(triggerOf(event)));
      }),
    );
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Answers one trigger: decide against the saga's state and append. `causationId` names what
   * caused the step when the trigger is not itself an event (a deadline: the event that armed it).
   */
  answer(trigger: FulfillmentTrigger, causationId = trigger.eventId): Promise<CommandResult> {
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
    return this.turns.run(orderId, () => {
      const command = answerTrigger(trigger, { now: this.clock.now(), paymentDeadlineMs: this.paymentDeadlineMs });
      return this.processor.handle(fulfillmentDecider, { streamId, command, metadata });
    });
  }
}

function triggerOf(event: RecordedEvent): FulfillmentTrigger {
  return { type: event.type, data: event.data, eventId: event.eventId, correlationId: event.metadata.correlationId } as FulfillmentTrigger;
}
