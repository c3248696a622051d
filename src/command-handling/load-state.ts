// A stream folded into a decider's state, and the write side's one narrowing point from the
// store's recorded events to a decider's own event union.
import { fold, type Decider, type DomainEvent } from '../decider/decider.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.port.js';

/** A recorded event as the decider whose stream it was read from knows it. */
export function eventOf<Event extends DomainEvent>(_decider: Pick<Decider<unknown, Event, unknown>, 'evolve'>, recorded: RecordedEvent): Event {
  const event: DomainEvent = recorded;
  // The store hands out untyped recorded events (a string type, unknown data). The stream id
  // names the decider whose events the stream holds: only that decider's commands append there,
  // and upcasters bring older shapes up to date on read. So the event is one of its own.
  return event as Event;
}

/** The state of the entity `streamId` holds, folded from its whole stream. */
export async function loadState<Event extends DomainEvent, State>(
  store: Pick<EventStore, 'readStream'>,
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  streamId: string,
): Promise<State> {
  const recorded = await store.readStream(streamId);
  return fold(decider, recorded.map((event) => eventOf(decider, event)));
}
