// TEST DOUBLE of EventStoreDB's gRPC Streams service, for the EventStoreDB adapter's contract
// suite. It is not EventStoreDB and never runs in production: an in-process @grpc/grpc-js server
// on 127.0.0.1 that registers the service definitions @eventstore/db-client ships, keeps the log
// in memory, and answers Append and Read (a stream, $all with filters, catch-up subscriptions
// to $all) the way the server does. Where the server's behaviour matters, it follows the
// server's source (EventStore/EventStore, cited by file):
// - idempotency (IndexWriter.CheckCommit): with an exact revision or no_stream, an append whose
//   ids are already at expected+1.. of the stream is answered with the original result; a
//   partial match is a wrong expected version; with any/stream_exists, only a bounded cache of
//   recently committed event ids (lost on restart) makes a retry idempotent;
// - a wrong expectation is an AppendResp.wrong_expected_version message, not a gRPC error
//   (Streams.Append.cs); a missing stream read is a ReadResp.stream_not_found message;
// - positions are byte offsets in the log with commit == prepare for every event written by a
//   gRPC append (AllReader: implicitly committed prepares), strictly increasing, not dense;
// - filtered subscriptions (Enumerators.AllSubscriptionFiltered): a confirmation first, events
//   after the exclusive start, a checkpoint every checkpointIntervalMultiplier x maxSearchWindow
//   considered events, caught_up once history is exhausted, then live events and checkpoints;
// - the log holds system events ($-prefixed streams and types, plus the server's own
//   PersistentConfig1 event in $persistentSubscriptionConfig, whose type has no '$').
// BatchAppend and ServerFeatures are not implemented (answered UNIMPLEMENTED); the adapter
// calls Streams.Append itself, which every server since 20.6 serves.
import grpc from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';

const { AppendResp, ReadResp, ReadReq } = streamsPb;
type ReadReqT = InstanceType<typeof ReadReq>;
type ReadRespT = InstanceType<typeof ReadResp>;
type AppendReqT = InstanceType<typeof streamsPb.AppendReq>;
type FilterOptionsT = InstanceType<typeof ReadReq.Options.FilterOptions>;

/** The server's default MaxAppendSize. */
export const ESDB_MAX_APPEND_SIZE = 1024 * 1024;
/** Enumerators.ReadBatchSize: the default max search window of a filtered subscription. */
const READ_BATCH_SIZE = 32;
const TICKS_PER_MS = 10_000n;

interface LogRecord {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  createdTicks: bigint;
  position: bigint;
}

interface StreamState {
  records: LogRecord[];
}

export interface EsdbDoubleOptions {
  maxAppendSize?: number;
  /** How many recently committed event ids the any/stream_exists idempotency check remembers. */
  committedEventsCacheSize?: number;
  /** false: answer as servers before 23.10, whose subscriptions never send caught_up. */
  sendsCaughtUp?: boolean;
  /** Default 0: any free port (`npm run doubles` takes ESDB_DOUBLE_PORT). */
  port?: number;
}

type Predicate = (record: LogRecord) => boolean;

interface LiveSubscription {
  call: grpc.ServerWritableStream<ReadReqT, ReadRespT>;
  matches: Predicate;
  checkpointInterval: number;
  considered: number;
  next: number; // index in the log of the next record to consider
  caughtUp: boolean;
  frozen: boolean;
}

function unimplemented(_call: unknown, callback?: (error: grpc.ServiceError) => void): void {
  const error = Object.assign(new Error('Not implemented by the test double'), { code: grpc.status.UNIMPLEMENTED });
  if (typeof callback === 'function') callback(error as grpc.ServiceError);
  else (_call as grpc.ServerWritableStream<unknown, unknown>).emit('error', error);
}

function rpcError(code: grpc.status, details: string, trailers: Record<string, string>): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata }) as grpc.ServiceError;
}

const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

export class EsdbDouble {
  private readonly log: LogRecord[] = [];
  private readonly streams = new Map<string, StreamState>();
  /** IndexWriter._committedEvents: a bounded cache, oldest entries dropped first. */
  private readonly committedEvents = new Map<string, { streamId: string; revision: number }>();
  private readonly subscriptions = new Set<LiveSubscription>();
  private nextPosition = 0n;
  private withheldAnswers = 0;
  private toFreeze = 0;
  private frozenOnOpen = 0;
  private readonly maxAppendSize: number;
  private readonly cacheSize: number;
  private readonly sendsCaughtUp: boolean;
  /** Appends received (each try of a retried append counts). */
  appendsReceived = 0;
  /** Subscriptions opened, including resubscriptions. */
  subscriptionsOpened = 0;

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
    options: EsdbDoubleOptions,
  ) {
    this.maxAppendSize = options.maxAppendSize ?? ESDB_MAX_APPEND_SIZE;
    this.cacheSize = options.committedEventsCacheSize ?? 100_000;
    this.sendsCaughtUp = options.sendsCaughtUp ?? true;
    // What a fresh server has written before any client connects.
    this.writeSystemEvent('$scavenges', '$maxAgeMetadata');
    this.writeSystemEvent('$users', '$UserCreated');
    this.writeSystemEvent('$persistentSubscriptionConfig', 'PersistentConfig1');
  }

  static async start(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const double = new EsdbDouble(server, port, options);
    server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReqT, ReadRespT>) => double.read(call),
      append: (call: grpc.ServerReadableStream<AppendReqT, unknown>, callback: grpc.sendUnaryData<unknown>) => double.append(call, callback),
      delete: unimplemented,
      tombstone: unimplemented,
      batchAppend: unimplemented,
    });
    return double;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Ends every call at once (the double is per suite). */
  stop(): void {
    for (const subscription of this.subscriptions) subscription.frozen = true;
    this.subscriptions.clear();
    this.server.forceShutdown();
  }

  // ---- fault injection -------------------------------------------------------------------

  /** The server drops every subscription (as on a leader change): the calls end with an error. */
  dropSubscriptions(): number {
    const dropped = [...this.subscriptions];
    this.subscriptions.clear();
    for (const subscription of dropped) {
      subscription.frozen = true;
      subscription.call.emit('error', rpcError(grpc.status.UNAVAILABLE, 'Leader changed', {}));
    }
    return dropped.length;
  }

  /** Every open subscription stops sending anything while its call stays open. */
  freezeSubscriptions(): void {
    for (const subscription of this.subscriptions) subscription.frozen = true;
  }

  /** The next `count` subscriptions are confirmed, then send nothing; answers how many were. */
  freezeNextSubscriptions(count: number): () => number {
    this.toFreeze = count;
    const before = this.frozenOnOpen;
    return () => this.frozenOnOpen - before;
  }

  /** The next `count` appends are written but never answered, as when a commit outlives the deadline. */
  withholdAppendAnswers(count: number): void {
    this.withheldAnswers = count;
  }

  /** Writes an event as the server itself does ($stats, projections' link events...). */
  writeSystemEvent(streamId: string, type: string): void {
    const state = this.stream(streamId);
    this.write(streamId, state, [{ eventId: crypto.randomUUID(), type, contentType: 'application/json', data: Buffer.from('{}'), customMetadata: Buffer.alloc(0) }]);
  }

  /** The log as a client reading $all unfiltered would see it. */
  get lastPosition(): bigint | undefined {
    return this.log.at(-1)?.position;
  }

  // ---- Append ------------------------------------------------------------------------------

  private append(call: grpc.ServerReadableStream<AppendReqT, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    const messages: AppendReqT[] = [];
    call.on('data', (message: AppendReqT) => messages.push(message));
    call.on('error', () => undefined);
    call.on('end', () => {
      this.appendsReceived += 1;
      try {
        const answer = this.handleAppend(messages);
        if (this.withheldAnswers > 0) {
          this.withheldAnswers -= 1;
          return; // written (or refused), but the client never hears: its deadline decides
        }
        callback(null, answer);
      } catch (error) {
        callback(error as grpc.ServiceError);
      }
    });
  }

  private handleAppend(messages: AppendReqT[]): InstanceType<typeof AppendResp> {
    const [header, ...proposed] = messages;
    const options = header?.getOptions();
    if (!options || proposed.some((m) => !m.hasProposedMessage())) {
      throw rpcError(grpc.status.INVALID_ARGUMENT, 'Append must start with options followed by proposed messages', {});
    }
    const streamId = utf8(options.getStreamIdentifier()!.getStreamName_asU8());
    const Revision = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
    let expected: number | 'any' | 'no_stream' | 'stream_exists';
    switch (options.getExpectedStreamRevisionCase()) {
      case Revision.REVISION:
        expected = Number(options.getRevision());
        break;
      case Revision.NO_STREAM:
        expected = 'no_stream';
        break;
      case Revision.STREAM_EXISTS:
        expected = 'stream_exists';
        break;
      case Revision.ANY:
        expected = 'any';
        break;
      default:
        throw rpcError(grpc.status.INVALID_ARGUMENT, 'No expected revision', {});
    }
    let size = 0;
    const events = proposed.map((message) => {
      const event = message.getProposedMessage()!;
      const data = event.getData_asU8();
      size += data.length;
      if (size > this.maxAppendSize) {
        // RpcExceptions.MaxAppendSizeExceeded
        throw rpcError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${this.maxAppendSize} Exceeded.`, {
          exception: 'maximum-append-size-exceeded',
          'maximum-append-size': String(this.maxAppendSize),
        });
      }
      const metadata = event.getMetadataMap();
      for (const key of ['type', 'content-type']) {
        if (!metadata.has(key)) {
          throw rpcError(grpc.status.INVALID_ARGUMENT, `Required Metadata Property '${key}' is missing`, {
            exception: 'missing-required-metadata-property',
            'required-metadata-properties': key,
          });
        }
      }
      const id = event.getId()!;
      const eventId = id.hasString() ? id.getString().toLowerCase() : structuredToUuid(id.getStructured()!);
      return { eventId, type: metadata.get('type') as string, contentType: metadata.get('content-type') as string, data, customMetadata: event.getCustomMetadata_asU8() };
    });

    const state = this.streams.get(streamId);
    const current = state ? state.records.length - 1 : -1;
    const decision = this.checkCommit(streamId, expected, current, events.map((e) => e.eventId));
    const response = new AppendResp();
    if (decision.kind === 'wrong') {
      const wrong = new AppendResp.WrongExpectedVersion();
      if (current >= 0) wrong.setCurrentRevision(String(current));
      else wrong.setCurrentNoStream(new sharedPb.Empty());
      if (typeof expected === 'number') wrong.setExpectedRevision(String(expected));
      else if (expected === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
      else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
      else wrong.setExpectedAny(new sharedPb.Empty());
      response.setWrongExpectedVersion(wrong);
      return response;
    }
    let last: LogRecord;
    if (decision.kind === 'idempotent') {
      last = this.streams.get(streamId)!.records[decision.lastRevision]!;
    } else {
      last = this.write(streamId, this.stream(streamId), events);
    }
    const success = new AppendResp.Success();
    success.setCurrentRevision(String(last.revision));
    const position = new AppendResp.Position();
    position.setCommitPosition(String(last.position));
    position.setPreparePosition(String(last.position));
    success.setPosition(position);
    response.setSuccess(success);
    return response;
  }

  /** IndexWriter.CheckCommit, for streams that are never deleted. */
  private checkCommit(
    streamId: string,
    expected: number | 'any' | 'no_stream' | 'stream_exists',
    current: number,
    eventIds: string[],
  ): { kind: 'ok' } | { kind: 'wrong' } | { kind: 'idempotent'; lastRevision: number } {
    if (expected === 'stream_exists' && current < 0) return { kind: 'wrong' };
    if (expected === 'any' || expected === 'stream_exists') {
      let lastRevision = -1;
      for (const [index, eventId] of eventIds.entries()) {
        const info = this.committedEvents.get(eventId);
        if (!info || info.streamId !== streamId) return index === 0 ? { kind: 'ok' } : { kind: 'wrong' };
        lastRevision = info.revision;
      }
      return { kind: 'idempotent', lastRevision };
    }
    const expectedVersion = expected === 'no_stream' ? -1 : expected;
    if (expectedVersion < current) {
      const records = this.streams.get(streamId)!.records;
      let revision = expectedVersion;
      for (const eventId of eventIds) {
        revision += 1;
        if (records[revision]?.eventId === eventId) continue;
        return { kind: 'wrong' }; // first mismatch: wrong version; a later one: corrupted idempotency, answered the same way
      }
      return { kind: 'idempotent', lastRevision: revision };
    }
    if (expectedVersion > current) return { kind: 'wrong' };
    return { kind: 'ok' };
  }

  private stream(streamId: string): StreamState {
    let state = this.streams.get(streamId);
    if (!state) {
      state = { records: [] };
      this.streams.set(streamId, state);
    }
    return state;
  }

  private write(
    streamId: string,
    state: StreamState,
    events: { eventId: string; type: string; contentType: string; data: Uint8Array; customMetadata: Uint8Array }[],
  ): LogRecord {
    const createdTicks = BigInt(Date.now()) * TICKS_PER_MS;
    let record: LogRecord | undefined;
    for (const event of events) {
      record = { ...event, streamId, revision: state.records.length, createdTicks, position: this.nextPosition };
      // A prepare record's size: header, names and payloads (positions are byte offsets, not counts).
      this.nextPosition += BigInt(120 + streamId.length + event.type.length + event.data.length + event.customMetadata.length);
      state.records.push(record);
      this.log.push(record);
      this.committedEvents.delete(event.eventId);
      this.committedEvents.set(event.eventId, { streamId, revision: record.revision });
      if (this.committedEvents.size > this.cacheSize) this.committedEvents.delete(this.committedEvents.keys().next().value!);
    }
    for (const subscription of this.subscriptions) this.pump(subscription);
    return record!;
  }

  // ---- Read ----------------------------------------------------------------------------------

  private read(call: grpc.ServerWritableStream<ReadReqT, ReadRespT>): void {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, 'No options', {}));
      return;
    }
    const Stream = ReadReq.Options.StreamOptionCase;
    const Count = ReadReq.Options.CountOptionCase;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    const send = (record: LogRecord): void => {
      call.write(eventMessage(record, structuredIds));
    };
    const filter = options.hasFilter() ? options.getFilter() : undefined;
    if (options.getStreamOptionCase() === Stream.STREAM && options.getCountOptionCase() === Count.COUNT && !filter) {
      const streamOptions = options.getStream()!;
      const streamId = utf8(streamOptions.getStreamIdentifier()!.getStreamName_asU8());
      const state = this.streams.get(streamId);
      if (!state || state.records.length === 0) {
        const notFound = new ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
        const message = new ReadResp();
        message.setStreamNotFound(notFound);
        call.write(message);
        call.end();
        return;
      }
      let count = Number(options.getCount());
      const records = state.records;
      if (backwards) {
        let from = streamOptions.hasRevision() ? Math.min(Number(streamOptions.getRevision()), records.length - 1) : records.length - 1;
        for (; from >= 0 && count > 0; from -= 1, count -= 1) send(records[from]!);
      } else {
        let from = streamOptions.hasRevision() ? Number(streamOptions.getRevision()) : 0;
        for (; from < records.length && count > 0; from += 1, count -= 1) send(records[from]!);
      }
      call.end();
      return;
    }
    if (options.getStreamOptionCase() !== Stream.ALL) {
      call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, 'The double reads a stream without filter, or $all', {}));
      return;
    }
    const all = options.getAll()!;
    const matches = filter ? toPredicate(filter) : (): boolean => true;
    if (options.getCountOptionCase() === Count.COUNT) {
      let count = Number(options.getCount());
      if (backwards) {
        // Backwards positions are post-positions: an event is read if it starts before `from`.
        let index = all.hasPosition() ? this.log.findLastIndex((r) => r.position < BigInt(all.getPosition()!.getCommitPosition())) : this.log.length - 1;
        for (; index >= 0 && count > 0; index -= 1) {
          if (matches(this.log[index]!)) {
            send(this.log[index]!);
            count -= 1;
          }
        }
      } else {
        // Forwards positions are pre-positions: inclusive.
        let index = all.hasPosition() ? this.firstAtOrAfter(BigInt(all.getPosition()!.getCommitPosition())) : all.hasEnd() ? this.log.length : 0;
        for (; index < this.log.length && count > 0; index += 1) {
          if (matches(this.log[index]!)) {
            send(this.log[index]!);
            count -= 1;
          }
        }
      }
      call.end();
      return;
    }
    if (backwards || !filter) {
      call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, 'The double subscribes to $all forwards with a filter only', {}));
      return;
    }
    this.subscribe(call, all, filter, matches);
  }

  private firstAtOrAfter(position: bigint): number {
    const index = this.log.findIndex((r) => r.position >= position);
    return index < 0 ? this.log.length : index;
  }

  private subscribe(
    call: grpc.ServerWritableStream<ReadReqT, ReadRespT>,
    all: InstanceType<typeof ReadReq.Options.AllOptions>,
    filter: FilterOptionsT,
    matches: Predicate,
  ): void {
    this.subscriptionsOpened += 1;
    let next: number;
    if (all.hasEnd()) next = this.log.length;
    else if (all.hasPosition()) {
      // As the server does: read one event at the position, start after it.
      const at = this.firstAtOrAfter(BigInt(all.getPosition()!.getCommitPosition()));
      next = Math.min(at + 1, this.log.length);
    } else next = 0;
    const window = filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX ? filter.getMax() : READ_BATCH_SIZE;
    const multiplier = filter.getCheckpointintervalmultiplier();
    if (multiplier <= 0) {
      call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, 'checkpointIntervalMultiplier must be above zero', {}));
      return;
    }
    const frozen = this.toFreeze > 0;
    if (frozen) {
      this.toFreeze -= 1;
      this.frozenOnOpen += 1;
    }
    const subscription: LiveSubscription = { call, matches, checkpointInterval: multiplier * window, considered: 0, next, caughtUp: false, frozen };
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(crypto.randomUUID());
    const message = new ReadResp();
    message.setConfirmation(confirmation);
    call.write(message);
    this.subscriptions.add(subscription);
    call.on('cancelled', () => {
      subscription.frozen = true;
      this.subscriptions.delete(subscription);
    });
    this.pump(subscription);
  }

  private pump(subscription: LiveSubscription): void {
    if (subscription.frozen) return;
    const { call } = subscription;
    while (subscription.next < this.log.length) {
      const record = this.log[subscription.next]!;
      subscription.next += 1;
      if (subscription.matches(record)) call.write(eventMessage(record, false));
      subscription.considered += 1;
      if (subscription.considered >= subscription.checkpointInterval) {
        subscription.considered %= subscription.checkpointInterval;
        const checkpoint = new ReadResp.Checkpoint();
        checkpoint.setCommitPosition(String(record.position));
        checkpoint.setPreparePosition(String(record.position));
        const message = new ReadResp();
        message.setCheckpoint(checkpoint);
        call.write(message);
      }
    }
    if (!subscription.caughtUp && this.sendsCaughtUp) {
      subscription.caughtUp = true;
      const message = new ReadResp();
      message.setCaughtUp(new ReadResp.CaughtUp());
      call.write(message);
    }
  }
}

function structuredToUuid(structured: InstanceType<typeof sharedPb.UUID.Structured>): string {
  const hex = (value: string): string => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
  const text = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

function toPredicate(filter: FilterOptionsT): Predicate {
  const Case = ReadReq.Options.FilterOptions.FilterCase;
  const onStream = filter.getFilterCase() === Case.STREAM_IDENTIFIER;
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const subject = (record: LogRecord): string => (onStream ? record.streamId : record.type);
  // The server uses the regex when it is set, else the prefixes (Streams.Read ConvertToEventFilter).
  if (expression.getRegex()) {
    const regex = new RegExp(expression.getRegex());
    return (record) => regex.test(subject(record));
  }
  const prefixes = expression.getPrefixList();
  return (record) => prefixes.some((prefix) => subject(record).startsWith(prefix));
}

function eventMessage(record: LogRecord, structuredIds: boolean): ReadRespT {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  if (structuredIds) {
    const hex = record.eventId.replace(/-/g, '');
    const structured = new sharedPb.UUID.Structured();
    structured.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
    structured.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
    id.setStructured(structured);
  } else id.setString(record.eventId);
  recorded.setId(id);
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(record.streamId, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(String(record.revision));
  recorded.setCommitPosition(String(record.position));
  recorded.setPreparePosition(String(record.position));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('created', String(record.createdTicks));
  metadata.set('content-type', record.contentType);
  recorded.setCustomMetadata(record.customMetadata);
  recorded.setData(record.data);
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(String(record.position));
  const message = new ReadResp();
  message.setEvent(event);
  return message;
}
