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
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../eventstore/event-store.port.js';
import { DelegatingEventStore } from '../eventstore/delegating-event-store.js';
import { mappedSubscription } from '../eventstore/mapped-subscription.js';
import type { PersonalDataCatalogue } from './personal-data-catalogue.js';
import type { SubjectKeys } from './subject-keys.js';

/**
 * The store as written with personal values opened (or shown as erased), not upcast: what the audit
 * history views read, so entitled readers see the values while the shape stays the stored one.
 */
export const OPENED_EVENT_STORE = Symbol('OpenedEventStore');

export class PersonalDataEventStore extends DelegatingEventStore {
  constructor(
    inner: EventStore,
    private readonly catalogue: PersonalDataCatalogue,
    private readonly keys: SubjectKeys,
  ) {
    super(inner);
  }

  override async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, await Promise.all(events.map((event) => this.catalogue.seal(event, this.keys))), expected);
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  override async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  override subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    return mappedSubscription(this.inner.subscribeToAll(options), (event) => this.open(event));
  }

  private async openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const opened: RecordedEvent[] = [];
    for (const event of events) opened.push(await this.open(event));
    return opened;
  }

  /** Events of types without personal data are answered at once: no promise on the hot path. */
  private open(event: RecordedEvent): RecordedEvent | Promise<RecordedEvent> {
    return this.catalogue.fieldsOf(event.type) ? this.catalogue.open(event, this.keys) : event;
  }
}
