// A decorator of the EventStore port that upcasts every event it reads (streams, $all and
// subscriptions) and passes appends through untouched. It wraps any adapter, so SQLite and
// EventStoreDB both get it without knowing. Code that must see what is stored byte for byte
// (hash-chain verification, exports) reads the store it wraps (RAW_EVENT_STORE).
import type { EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, SubscriptionMessage } from '../event-store.port.js';
import { DelegatingEventStore } from '../delegating-event-store.js';
import type { UpcasterChain } from './upcaster.js';
import { mappedSubscription } from '../mapped-subscription.js';

export class UpcastingEventStore extends DelegatingEventStore {
  constructor(
    inner: EventStore,
    private readonly upcasters: UpcasterChain,
  ) {
    super(inner);
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(streamId, options)).map((event) => this.upcasters.upcast(event));
  }

  override async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((event) => this.upcasters.upcast(event));
  }

  override subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    return mappedSubscription(this.inner.subscribeToAll(options), (event) => this.upcasters.upcast(event));
  }
}

/** The store as written, without upcasting: for chain verification and signed exports. */
export const RAW_EVENT_STORE = Symbol('RawEventStore');
