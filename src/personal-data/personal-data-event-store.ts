// A decorator of the EventStore port: appends seal every personal value (declared per event type:
// PersonalDataCatalogue) under its subject's key before the inner store hashes and stores the
// event, so the hash chain covers the ciphertext; reads open them again, or show them as erased
// once the subject's key is destroyed. Everything that reads EVENT_STORE (deciders, projections,
// sagas, replays, state-at) sees personal data only while its subject is not erased; the store as
// written (RAW_EVENT_STORE: verification, exports) holds only ciphertext. Events of types without
// personal data pass through as they are.
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
} from '../eventstore/event-store.port.js';
import type { PersonalDataCatalogue } from './personal-data-catalogue.js';
import type { SubjectKeys } from './subject-keys.js';

export class PersonalDataEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    private readonly catalogue: PersonalDataCatalogue,
    private readonly keys: SubjectKeys,
  ) {}

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, await Promise.all(events.map((event) => this.catalogue.seal(event, this.keys))), expected);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    const inner = this.inner.subscribeToAll(options);
    const open = (event: RecordedEvent) => this.catalogue.open(event, this.keys);
    // A plain mapping iterator, as the upcasting store's: one promise per message.
    return {
      [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
        const source = inner[Symbol.asyncIterator]();
        return {
          async next() {
            const result = await source.next();
            if (result.done || result.value.kind !== 'event') return result;
            const event = await open(result.value.event);
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

  private async openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const opened: RecordedEvent[] = [];
    for (const event of events) opened.push(await this.catalogue.open(event, this.keys));
    return opened;
  }
}
