// Test double: an EventStore decorator that passes everything to a real store and counts what is
// read through it (subscriptions opened, events they delivered, events readAll answered), so a
// spec can tell how often the store was read, not only what came out.
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, SubscriptionMessage } from '../../src/eventstore/event-store.port.js';
import { DelegatingEventStore } from '../../src/eventstore/delegating-event-store.js';

export class CountingEventStore extends DelegatingEventStore {
  subscriptions = 0;
  subscribedEvents = 0;
  readAllEvents = 0;

  override async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readAll(options);
    this.readAllEvents += events.length;
    return events;
  }

  override subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
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
}
