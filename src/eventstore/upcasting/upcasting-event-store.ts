// A decorator of the EventStore port that upcasts every event it reads (streams, $all and
// subscriptions) and passes appends through untouched. It wraps any adapter, so SQLite and
// EventStoreDB both get it without knowing. Code that must see what is stored byte for byte
// (hash-chain verification, exports) reads the store it wraps (RAW_EVENT_STORE).
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
} from '../event-store.port.js';
import type { UpcasterChain } from './upcaster.js';

export class UpcastingEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    private readonly upcasters: UpcasterChain,
  ) {}

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(streamId, options)).map((event) => this.upcasters.upcast(event));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((event) => this.upcasters.upcast(event));
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    const inner = this.inner.subscribeToAll(options);
    const upcasters = this.upcasters;
    // A plain mapping iterator rather than an async generator: one promise per message instead
    // of a generator's extra hops, which showed as a third of a rebuild's time.
    return {
      [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
        const source = inner[Symbol.asyncIterator]();
        return {
          async next() {
            const result = await source.next();
            if (result.done || result.value.kind !== 'event') return result;
            const event = upcasters.upcast(result.value.event);
            return event === result.value.event ? result : { done: false, value: { kind: 'event', event } };
          },
          return: async (value?: unknown) => (source.return ? source.return(value) : { done: true, value }),
        };
      },
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The store as written, without upcasting: for chain verification and signed exports. */
export const RAW_EVENT_STORE = Symbol('RawEventStore');
