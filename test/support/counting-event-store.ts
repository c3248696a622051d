// Test double: an EventStore decorator that passes everything to a real store and counts what is
// read through it (subscriptions opened, events they delivered, events readAll answered), so a
// spec can tell how often the store was read, not only what came out.
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
} from '../../src/eventstore/event-store.port.js';

export class CountingEventStore implements EventStore {
  subscriptions = 0;
  subscribedEvents = 0;
  readAllEvents = 0;

  constructor(private readonly inner: EventStore) {}

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readAll(options);
    this.readAllEvents += events.length;
    return events;
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    this.subscriptions += 1;
    const inner = this.inner.subscribeToAll(options);
    const counter = this;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const message of inner) {
          if (message.kind === 'event') counter.subscribedEvents += 1;
          yield message;
        }
      },
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
