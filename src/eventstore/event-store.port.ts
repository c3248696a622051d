// The EventStore port: what the application needs from an event store, and nothing more.
// The contract suite in test/contracts/event-store.contract.ts is its executable definition;
// every adapter (embedded SQLite, EventStoreDB) must pass it unchanged.

/** Global position in the log ($all): strictly increasing, never reused. */
export type Position = bigint;

/**
 * Optimistic concurrency on append, with EventStoreDB's meanings:
 * a revision number: the stream's last event must be at exactly that revision;
 * 'no_stream': the stream must not exist; 'stream_exists': it must exist; 'any': no check.
 * Aggregate writes never use 'any' (idempotent retries rely on an exact expectation).
 */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export type Actor = { userId: string; roles: string[] } | { system: string };

/** Metadata a writer supplies; the store adds prevHash and hash. */
export interface EventMetadata {
  actor: Actor;
  commandId: string;
  commandType: string;
  correlationId: string;
  causationId: string;
  requestId?: string;
  occurredAt: string; // ISO-8601, from the command's clock, not the store's
  /** W3C trace context of the command that recorded the event, when tracing is on (src/observability/tracing.ts). */
  traceparent?: string;
}

export interface StoredMetadata extends EventMetadata {
  prevHash: string;
  hash: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  eventId: string; // UUID; deterministic from the command id so a retry is recognised
  type: Type;
  schemaVersion?: number; // defaults to 1
  data: Data;
  metadata: EventMetadata;
}

/** The envelope of DESIGN.md. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  streamId: string;
  revision: number; // per stream, 0-based
  position: Position;
  eventId: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  recordedAt: string; // ISO-8601, assigned by the store
  metadata: StoredMetadata;
}

/**
 * A recorded event narrowed to a domain event: the envelope with the event's own `type` and
 * `data`, one variant per member of the union, so a switch on `type` narrows `data`. The read
 * side sees these; the store hands out plain RecordedEvents and the subscriber's declared event
 * types narrow them (src/projection-engine).
 */
export type RecordedOf<Event extends { type: string; data: unknown }> = Event extends unknown
  ? Omit<RecordedEvent, 'type' | 'data'> & { type: Event['type']; data: Event['data'] }
  : never;

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: number;
  /** Position of the last event appended (or of the original, for an idempotent retry). */
  position: Position;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: ReadDirection; // default forwards
  /** Inclusive start revision; default: start (forwards) or end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface AllFilter {
  /** Keep events whose stream id starts with one of these prefixes. */
  streamPrefixes?: string[];
  /** Keep events whose type is one of these. */
  eventTypes?: string[];
}

export interface ReadAllOptions {
  /** Exclusive: read events after this position; omitted = from the beginning. */
  after?: Position;
  maxCount?: number;
  filter?: AllFilter;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /** Every event up to `position` has been delivered; the subscription is now live. */
  | { kind: 'caughtUp'; position: Position | undefined };

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events after this position; omitted = from the beginning. */
  after?: Position;
  filter?: AllFilter;
  /** Aborting ends the iteration. */
  signal?: AbortSignal;
}

export interface EventStore {
  /**
   * Appends atomically. Throws WrongExpectedRevisionError on a failed expectation.
   * Idempotent by event id: a retry with the same event ids at the same expectation is
   * acknowledged with the original result and writes nothing.
   */
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;

  /** Events of one stream; an empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** A page of $all in position order (system events excluded). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Position of the last event in $all, or undefined for an empty store. */
  headPosition(): Promise<Position | undefined>;

  /** A catch-up subscription to $all: history after `after`, a caughtUp marker, then live. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage>;

  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
