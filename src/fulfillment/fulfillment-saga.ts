// The order fulfilment saga's runtime: a durable subscriber (its own checkpoint) that answers
// each trigger by appending the saga's events to fulfillment-<orderId> with the expected
// revision. It sends nothing itself: the commands are recorded in the saga events and the
// command relay (command-relay.ts) sends them from there, so a crash between "decided" and
// "sent" loses nothing, whichever way the step was triggered (an event or a deadline).
//
// At-least-once delivery: a trigger already answered (its id is in the saga state) is skipped.
// Orders are independent, so a batch is worked per order concurrently, each order in log order.
import { v5 as uuidv5 } from 'uuid';
import type { Clock } from '../clock/clock.js';
import { KeyedSerializer } from '../scheduling/keyed-serializer.js';
import { eventIdFor } from '../command-handling/event-id.js';
import { fold } from '../decider/decider.js';
import { WrongExpectedRevisionError } from '../eventstore/event-store.errors.js';
import type { EventStore, NewEvent, RecordedEvent } from '../eventstore/event-store.port.js';
import type { EventHandler } from '../subscriptions/subscriber.js';
import {
  FULFILLMENT_TRIGGER_TYPES,
  decideFulfillment,
  evolveFulfillment,
  fulfillmentStreamId,
  initialFulfillmentState,
  type FulfillmentEvent,
  type FulfillmentTrigger,
} from './fulfillment.decider.js';

const STEP_NAMESPACE = '3f6d2b8e-7a14-4c59-b0e3-9d8c1a5f2e76';
const MAX_APPEND_ATTEMPTS = 10;
export const FULFILLMENT_ACTOR = { system: 'order-fulfillment' } as const;

const fulfillmentDecider = { initialState: initialFulfillmentState, evolve: evolveFulfillment };

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
    private readonly store: EventStore,
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
        for (const event of orderEvents) await this.answer(triggerOf(event));
      }),
    );
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Answers one trigger: decide against the saga's state and append. `causationId` names what
   * caused the step when the trigger is not itself an event (a deadline: the event that armed it).
   * Returns the saga events recorded (none if the trigger was answered before or changes nothing).
   */
  answer(trigger: FulfillmentTrigger, causationId = trigger.eventId): Promise<FulfillmentEvent[]> {
    const orderId = trigger.data.orderId;
    return this.turns.run(orderId, async () => {
      const streamId = fulfillmentStreamId(orderId);
      for (let attempt = 1; ; attempt++) {
        const history = await this.store.readStream(streamId);
        const state = fold(fulfillmentDecider, history as unknown as FulfillmentEvent[]);
        const decided = decideFulfillment(state, trigger, { now: this.clock.now(), paymentDeadlineMs: this.paymentDeadlineMs });
        if (decided.length === 0) return [];
        const commandId = uuidv5(`${streamId}/${trigger.eventId}`, STEP_NAMESPACE);
        const correlationId = state.phase === 'none' ? trigger.correlationId : state.correlationId;
        const occurredAt = this.clock.now().toISOString();
        const events: NewEvent[] = decided.map((event, index) => ({
          eventId: eventIdFor(commandId, index),
          type: event.type,
          data: event.data,
          metadata: { actor: FULFILLMENT_ACTOR, commandId, commandType: `Answer${trigger.type}`, correlationId, causationId, occurredAt },
        }));
        try {
          await this.store.append(streamId, events, history.at(-1)?.revision ?? 'no_stream');
          return decided;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        }
      }
    });
  }
}

function triggerOf(event: RecordedEvent): FulfillmentTrigger {
  return { type: event.type, data: event.data, eventId: event.eventId, correlationId: event.metadata.correlationId } as FulfillmentTrigger;
}
