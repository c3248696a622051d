// The EventStore port on EventStoreDB (KurrentDB), over its gRPC Streams service.
// Appends use an exact expectation (a revision or no_stream): that is what makes EventStoreDB's
// event-id deduplication answer a retried append with its original result, which in turn makes
// it safe to resend an append whose outcome is unknown (deadline exceeded, connection lost).
// The per-stream hash chain is computed here: the previous hash comes from the event at the
// expected revision, and the expectation guarantees it is still the previous event when the
// append lands; if it is not, the server refuses the append and nothing is written.
import {
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { AppendRejectedError, StoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type {
  AllFilter,
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
import { GENESIS_HASH, chainAppend } from '../hash-chain.js';
import { DEFAULT_MAX_APPEND_BYTES, prepareAppend, type PreparedAppend } from '../prepare-append.js';
import { backOffDelay, type BackOff } from '../../scheduling/back-off.js';
import { KeyedSerializer } from '../../scheduling/keyed-serializer.js';
import {
  UNLIMITED,
  appendRequest,
  decodeEvent,
  encodeMetadata,
  eventHeader,
  planFilter,
  readAllRequest,
  readStreamRequest,
  type EncodedEvent,
} from './esdb-codec.js';
import { EsdbConnection, ReadResp, type AppendRespT } from './esdb-connection.js';
import { DEFAULT_SUBSCRIPTION_SETTINGS, catchUpSubscription, type SubscriptionSettings, type SubscriptionStatus } from './esdb-subscription.js';

export interface EsdbEventStoreOptions {
  /** Appends above this many bytes (data + metadata) are refused before they reach the server. */
  maxAppendBytes?: number;
  /** Deadline of one append call. */
  appendDeadlineMs?: number;
  /** Tries of an append whose outcome is unknown (deadline exceeded, connection lost, not leader). */
  appendAttempts?: number;
  appendRetryBackOff?: BackOff;
  /** Deadline of one finite read. */
  readDeadlineMs?: number;
  subscription?: Partial<SubscriptionSettings>;
}

/** An append was sent but no answer came back, several times: it may or may not be stored. */
export class AppendOutcomeUnknownError extends StoreUnavailableError {
  override readonly code = 'append_outcome_unknown';
  constructor(streamId: string, attempts: number, cause: unknown) {
    super(`Append to ${streamId}: no answer after ${attempts} tries (${(cause as Error).message}); it may or may not be stored`, { cause });
    this.name = 'AppendOutcomeUnknownError';
  }
}

/** Reads stop at this many events per call and continue from where they stopped. */
const PAGE = 1000;
/** Tries of an append with 'any' or 'stream_exists' that loses a race to another writer. */
const RACE_ATTEMPTS = 10;

type ExactExpectation = number | 'no_stream';

const outcomeUnknown = (error: unknown): boolean =>
  error instanceof DeadlineExceededError || error instanceof TimeoutError || error instanceof UnavailableError || error instanceof NotLeaderError;

export class EsdbEventStore implements EventStore {
  /** Reads that fail for want of a server become StoreUnavailableError (HTTP 503), not a 500. */
  private async read(...args: Parameters<EsdbConnection['read']>): ReturnType<EsdbConnection['read']> {
    try {
      return await this.connection.read(...args);
    } catch (error) {
      if (outcomeUnknown(error)) throw new StoreUnavailableError(`EventStoreDB did not answer a read: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  }

  private readonly maxAppendBytes: number;
  private readonly appendDeadlineMs: number;
  private readonly appendAttempts: number;
  private readonly appendRetryBackOff: BackOff;
  private readonly readDeadlineMs: number;
  private readonly subscriptionSettings: SubscriptionSettings;
  private readonly statuses = new Set<SubscriptionStatus>();
  private readonly closing = new AbortController();
  private readonly streamTurns = new KeyedSerializer();

  constructor(
    private readonly connection: EsdbConnection,
    options: EsdbEventStoreOptions = {},
  ) {
    this.maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
    this.appendDeadlineMs = options.appendDeadlineMs ?? 10_000;
    this.appendAttempts = options.appendAttempts ?? 4;
    this.appendRetryBackOff = options.appendRetryBackOff ?? { initialDelayMs: 200, maxDelayMs: 2_000 };
    this.readDeadlineMs = options.readDeadlineMs ?? 10_000;
    this.subscriptionSettings = { ...DEFAULT_SUBSCRIPTION_SETTINGS, ...options.subscription };
  }

  static connect(url: string, options?: EsdbEventStoreOptions): EsdbEventStore {
    return new EsdbEventStore(EsdbConnection.fromConnectionString(url), options);
  }

  /** Every open subscription's progress, lag and resubscriptions (for /health). */
  subscriptions(): SubscriptionStatus[] {
    return [...this.statuses].map((status) => ({ ...status }));
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, expected, this.maxAppendBytes);
    // Appends to one stream from this process reach the server in the order they were made, as
    // with the embedded store: concurrent calls on one channel are otherwise served in whatever
    // order their messages complete, and the later of two rivals could win.
    return this.streamTurns.run(streamId, () =>
      expected === 'any' || expected === 'stream_exists' ? this.appendAfterTail(prepared, expected) : this.appendAtRevision(prepared, expected),
    );
  }

  private async appendAtRevision(prepared: PreparedAppend, expected: ExactExpectation): Promise<AppendResult> {
    const { streamId } = prepared;
    const previous = expected === 'no_stream' ? undefined : (await this.readStream(streamId, { direction: 'backwards', fromRevision: expected, maxCount: 1 }))[0];
    // When the event at `expected` is missing the server refuses the append (or answers a retry
    // of events already stored), so the chain's start does not matter then.
    const prevHash = previous !== undefined && previous.revision === expected ? previous.metadata.hash : GENESIS_HASH;
    return this.appendExact(prepared, expected, prevHash, expected);
  }

  /**
   * 'any' and 'stream_exists' carry no revision, yet the chain needs the previous event: read the
   * tail, then append at its exact revision, again if another writer got in between. A retry of
   * the stream's latest append is answered like EventStoreDB's id check would; an older one is
   * not recognised (the server's check for these expectations is a bounded in-memory cache), so
   * aggregate writes use exact expectations.
   */
  private async appendAfterTail(prepared: PreparedAppend, expected: 'any' | 'stream_exists'): Promise<AppendResult> {
    const { streamId, events } = prepared;
    const ids = events.map((event) => event.eventId);
    for (let race = 1; ; race += 1) {
      const tail = (await this.readStream(streamId, { direction: 'backwards', maxCount: events.length })).reverse();
      const last = tail.at(-1);
      if (expected === 'stream_exists' && last === undefined) throw new WrongExpectedRevisionError(streamId, expected, 'no_stream');
      if (last && tail.length === ids.length && tail.every((event, i) => event.eventId === ids[i])) {
        return { nextRevision: last.revision, position: last.position };
      }
      if (tail.some((event) => ids.includes(event.eventId))) throw new WrongExpectedRevisionError(streamId, expected, last!.revision);
      try {
        return await this.appendExact(prepared, last?.revision ?? 'no_stream', last?.metadata.hash ?? GENESIS_HASH, expected);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || race >= RACE_ATTEMPTS) throw error;
      }
    }
  }

  private async appendExact(prepared: PreparedAppend, exact: ExactExpectation, prevHash: string, reportedExpectation: ExpectedRevision): Promise<AppendResult> {
    const { streamId } = prepared;
    const request = appendRequest(streamId, exact, this.encode(prepared, exact, prevHash));
    let response: AppendRespT | undefined;
    for (let attempt = 1; response === undefined; attempt += 1) {
      try {
        response = await this.connection.append(request, this.appendDeadlineMs);
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) {
          throw new AppendRejectedError(`Append to ${streamId} rejected: over the server's ${error.maxAppendSize}-byte append limit`);
        }
        if (error instanceof WrongExpectedVersionError) {
          // Servers before 21.x answered a wrong expectation with a gRPC error.
          const actual = error.actualVersion === 'no_stream' ? 'no_stream' : Number(error.actualVersion);
          throw new WrongExpectedRevisionError(streamId, reportedExpectation, actual);
        }
        if (!outcomeUnknown(error)) throw error;
        // The append may have been stored. Sending the same events at the same exact expectation
        // again is answered with the original result if it was, and stores them if it was not.
        if (attempt >= this.appendAttempts) throw new AppendOutcomeUnknownError(streamId, attempt, error);
        await new Promise((resolve) => setTimeout(resolve, backOffDelay(this.appendRetryBackOff, attempt)));
      }
    }
    if (response.hasWrongExpectedVersion()) {
      const wrong = response.getWrongExpectedVersion()!;
      const actual = wrong.hasCurrentRevision() ? Number(wrong.getCurrentRevision()) : 'no_stream';
      throw new WrongExpectedRevisionError(streamId, reportedExpectation, actual);
    }
    const success = response.getSuccess()!;
    const nextRevision = Number(success.getCurrentRevision());
    const position = success.hasPosition() ? BigInt(success.getPosition()!.getCommitPosition()) : await this.positionOf(streamId, nextRevision);
    return { nextRevision, position };
  }

  /** Servers before 22.x answer an idempotent retry without a position. */
  private async positionOf(streamId: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (event?.revision !== revision) throw new Error(`Stream ${streamId} has no event ${revision} right after appending it`);
    return event.position;
  }

  private encode(prepared: PreparedAppend, exact: ExactExpectation, prevHash: string): EncodedEvent[] {
    const { streamId } = prepared;
    let bytes = 0;
    const encoded = chainAppend(prepared, exact === 'no_stream' ? -1 : exact, prevHash).map(({ event, prevHash: previous, hash }) => {
      const customMetadata = encodeMetadata({ ...event.metadata, prevHash: previous, hash }, event.schemaVersion);
      const payload = Buffer.from(event.dataJson, 'utf8');
      bytes += payload.length + customMetadata.length;
      return { eventId: event.eventId, type: event.type, data: payload, customMetadata };
    });
    if (bytes > this.maxAppendBytes) {
      throw new AppendRejectedError(`Append to ${streamId} rejected: ${bytes} bytes is over the ${this.maxAppendBytes}-byte limit`);
    }
    return encoded;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const messages = await this.read(
      readStreamRequest(streamId, backwards, options.fromRevision, options.maxCount ?? UNLIMITED),
      this.readDeadlineMs,
    );
    const events: RecordedEvent[] = [];
    for (const message of messages) {
      if (message.getContentCase() === ReadResp.ContentCase.STREAM_NOT_FOUND) return [];
      const read = eventHeader(message);
      if (read) events.push(decodeEvent(read.header, read.recorded));
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const plan = planFilter(options.filter);
    const wanted = options.maxCount ?? Infinity;
    const events: RecordedEvent[] = [];
    let after = options.after;
    while (events.length < wanted) {
      // Forwards positions are inclusive: one more, for the event at `after`.
      const count = Math.min(PAGE, wanted - events.length + 1);
      const page = await this.read(readAllRequest(after, false, count, plan.server), this.readDeadlineMs);
      let progressed = false;
      for (const message of page) {
        const read = eventHeader(message);
        if (!read || (after !== undefined && read.header.position <= after)) continue;
        progressed = true;
        after = read.header.position;
        if (plan.keep(read.header.streamId, read.header.type) && events.length < wanted) events.push(decodeEvent(read.header, read.recorded));
      }
      // A page may end early on the server's side; only an empty one says the log ends here.
      if (!progressed) break;
    }
    return events;
  }

  async headPosition(): Promise<Position | undefined> {
    return this.newestMatching(undefined);
  }

  /** Reads $all backwards until an event the filter keeps (system events never). */
  private async newestMatching(filter: AllFilter | undefined): Promise<Position | undefined> {
    const plan = planFilter(filter);
    let before: bigint | undefined;
    for (;;) {
      const page = await this.read(readAllRequest(before, true, 100, plan.server), this.readDeadlineMs);
      let progressed = false;
      for (const message of page) {
        const read = eventHeader(message);
        if (!read || (before !== undefined && read.header.position >= before)) continue;
        progressed = true;
        if (plan.keep(read.header.streamId, read.header.type)) return read.header.position;
        before = read.header.position;
      }
      if (!progressed) return undefined;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionMessage> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    return catchUpSubscription(
      {
        connection: this.connection,
        newestMatching: (filter) => this.newestMatching(filter),
        settings: this.subscriptionSettings,
        registry: this.statuses,
      },
      { ...options, signal },
    );
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.connection.close();
  }
}
