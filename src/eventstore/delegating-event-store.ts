// The base of the EventStore port's decorators (the shared tail, upcasting, personal data): it
// forwards every method to the store it wraps, so a decorator overrides only what it changes and
// a method added to the port is forwarded once, here, not in each of them.
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from './event-store.port.js';

export abstract class DelegatingEventStore implements EventStore {
  constructor(readonly inner: EventStore) {}

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    return this.inner.subscribeToAll(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
