// Translates between the port's envelope and EventStoreDB's gRPC messages: append requests,
// read requests (with server-side filters), and recorded events read back.
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { AllFilter, ExpectedRevision, RecordedEvent, StoredMetadata } from '../event-store.port.js';
import { AppendReq, ReadReq, ReadResp, type AppendReqT, type ReadReqT, type ReadRespT } from './esdb-connection.js';
import { fromEsdbPosition, toEsdbPosition } from './esdb-position.js';

/** Fields of the event's ESDB metadata that are not part of the port's StoredMetadata. */
const CORRELATION = '$correlationId';
const CAUSATION = '$causationId';
const SCHEMA_VERSION = '$schemaVersion';
/** Count meaning "no limit" (uint64 on the wire; the client library uses the same value). */
export const UNLIMITED = Number.MAX_SAFE_INTEGER;
/** The server's default filtered-read window (Enumerators.ReadBatchSize). */
const SEARCH_WINDOW = 32;

export interface EncodedEvent {
  eventId: string;
  type: string;
  data: Buffer;
  customMetadata: Buffer;
}

/**
 * The event's ESDB metadata: the port's stored metadata plus $correlationId/$causationId (read by
 * EventStoreDB's own $by_correlation_id projection) and the schema version.
 */
export function encodeMetadata(metadata: StoredMetadata, schemaVersion: number): Buffer {
  return Buffer.from(
    JSON.stringify({ ...metadata, [CORRELATION]: metadata.correlationId, [CAUSATION]: metadata.causationId, [SCHEMA_VERSION]: schemaVersion }),
    'utf8',
  );
}

export function appendRequest(streamId: string, expected: Exclude<ExpectedRevision, 'any' | 'stream_exists'>, events: readonly EncodedEvent[]): AppendReqT[] {
  const options = new AppendReq.Options();
  options.setStreamIdentifier(streamIdentifier(streamId));
  if (expected === 'no_stream') options.setNoStream(new sharedPb.Empty());
  else options.setRevision(String(expected));
  const header = new AppendReq();
  header.setOptions(options);
  return [
    header,
    ...events.map((event) => {
      const proposed = new AppendReq.ProposedMessage();
      const id = new sharedPb.UUID();
      id.setString(event.eventId);
      proposed.setId(id);
      proposed.getMetadataMap().set('type', event.type);
      proposed.getMetadataMap().set('content-type', 'application/json');
      proposed.setData(event.data);
      proposed.setCustomMetadata(event.customMetadata);
      const message = new AppendReq();
      message.setProposedMessage(proposed);
      return message;
    }),
  ];
}

function streamIdentifier(streamId: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(streamId, 'utf8'));
  return identifier;
}

function baseOptions(count: number | undefined): InstanceType<typeof ReadReq.Options> {
  const options = new ReadReq.Options();
  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new sharedPb.Empty());
  options.setUuidOption(uuid);
  options.setResolveLinks(false);
  if (count !== undefined) options.setCount(String(count));
  return options;
}

export function readStreamRequest(streamId: string, backwards: boolean, fromRevision: number | undefined, count: number): ReadReqT {
  const options = baseOptions(count);
  const stream = new ReadReq.Options.StreamOptions();
  stream.setStreamIdentifier(streamIdentifier(streamId));
  if (fromRevision !== undefined) stream.setRevision(String(fromRevision));
  else if (backwards) stream.setEnd(new sharedPb.Empty());
  else stream.setStart(new sharedPb.Empty());
  options.setStream(stream);
  options.setReadDirection(backwards ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS);
  options.setNoFilter(new sharedPb.Empty());
  const request = new ReadReq();
  request.setOptions(options);
  return request;
}

function allOptions(from: bigint | undefined, backwards: boolean): InstanceType<typeof ReadReq.Options.AllOptions> {
  const all = new ReadReq.Options.AllOptions();
  if (from === undefined) {
    if (backwards) all.setEnd(new sharedPb.Empty());
    else all.setStart(new sharedPb.Empty());
  } else {
    const { commit, prepare } = toEsdbPosition(from);
    const position = new ReadReq.Options.Position();
    position.setCommitPosition(String(commit));
    position.setPreparePosition(String(prepare));
    all.setPosition(position);
  }
  return all;
}

/**
 * A read of $all. Forwards, `from` is inclusive (the server's pre-position); backwards, it is
 * exclusive (post-position). Without `from`: the start, or the end when backwards.
 */
export function readAllRequest(from: bigint | undefined, backwards: boolean, count: number, filter: ServerFilter): ReadReqT {
  const options = baseOptions(count);
  options.setAll(allOptions(from, backwards));
  options.setReadDirection(backwards ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS);
  options.setFilter(filterOptions(filter, undefined));
  const request = new ReadReq();
  request.setOptions(options);
  return request;
}

/** A catch-up subscription to $all, after the exclusive `after`, with a checkpoint every `checkpointEvery` considered events. */
export function subscribeRequest(after: bigint | undefined, filter: ServerFilter, checkpointEvery: number): ReadReqT {
  const options = baseOptions(undefined);
  options.setAll(allOptions(after, false));
  options.setReadDirection(ReadReq.Options.ReadDirection.FORWARDS);
  options.setSubscription(new ReadReq.Options.SubscriptionOptions());
  options.setFilter(filterOptions(filter, Math.max(1, Math.ceil(checkpointEvery / SEARCH_WINDOW))));
  const request = new ReadReq();
  request.setOptions(options);
  return request;
}

function filterOptions(filter: ServerFilter, checkpointMultiplier: number | undefined): InstanceType<typeof ReadReq.Options.FilterOptions> {
  const options = new ReadReq.Options.FilterOptions();
  const expression = new ReadReq.Options.FilterOptions.Expression();
  if (filter.regex !== undefined) expression.setRegex(filter.regex);
  else expression.setPrefixList(filter.prefixes ?? []);
  if (filter.on === 'stream') options.setStreamIdentifier(expression);
  else options.setEventType(expression);
  if (checkpointMultiplier === undefined) {
    options.setCount(new sharedPb.Empty());
    options.setCheckpointintervalmultiplier(1);
  } else {
    options.setMax(SEARCH_WINDOW);
    options.setCheckpointintervalmultiplier(checkpointMultiplier);
  }
  return options;
}

/** What the server filters on: one of stream name or event type (the protocol allows one). */
export interface ServerFilter {
  on: 'stream' | 'type';
  prefixes?: string[];
  regex?: string;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\#\s]/g, (c) => `\\${c}`);

/**
 * Splits the port's filter into what the server can do and what the adapter checks again on
 * every event. System events ($-prefixed streams or types) are always excluded; the server's
 * own type filter cannot see events with a plain type in a system stream, such as the
 * PersistentConfig1 events of $persistentSubscriptionConfig (EventStore issue 3395), so the
 * adapter's check covers them.
 */
export function planFilter(filter: AllFilter | undefined): { server: ServerFilter; keep: (streamId: string, type: string) => boolean } {
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes;
  if (prefixes?.length === 0 || types?.length === 0) throw new RangeError('A filter list must not be empty (leave it out to match everything)');
  const typeSet = types ? new Set(types) : undefined;
  const keep = (streamId: string, type: string): boolean =>
    !streamId.startsWith('$') &&
    !type.startsWith('$') &&
    (prefixes === undefined || prefixes.some((prefix) => streamId.startsWith(prefix))) &&
    (typeSet === undefined || typeSet.has(type));
  if (prefixes) return { server: { on: 'stream', prefixes }, keep };
  if (types) return { server: { on: 'type', regex: `^(?:${types.map(escapeRegex).join('|')})$` }, keep };
  return { server: { on: 'type', regex: '^[^$]' }, keep };
}

export interface ReadEventHeader {
  streamId: string;
  type: string;
  revision: string;
  position: bigint;
}

type RecordedGrpcEvent = InstanceType<typeof ReadResp.ReadEvent.RecordedEvent>;

export function eventHeader(message: ReadRespT): { header: ReadEventHeader; recorded: RecordedGrpcEvent } | undefined {
  const recorded = message.getEvent()?.getEvent();
  if (!recorded) return undefined;
  const streamId = Buffer.from(recorded.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
  const revision = recorded.getStreamRevision();
  const type = recorded.getMetadataMap().get('type') ?? '';
  const position = fromEsdbPosition(streamId, revision, recorded.getCommitPosition(), recorded.getPreparePosition());
  return { header: { streamId, type, revision, position }, recorded };
}

function parseJson(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not written by orderstream: hand the text over rather than failing the whole read.
    return text;
  }
}

export function decodeEvent(header: ReadEventHeader, recorded: RecordedGrpcEvent): RecordedEvent {
  const id = recorded.getId()!;
  const eventId = id.hasString() ? id.getString() : structuredUuid(id.getStructured()!);
  const created = recorded.getMetadataMap().get('created');
  const recordedAt = new Date(created === undefined ? 0 : Number(BigInt(created) / 10_000n)).toISOString();
  const rawMetadata = parseJson(recorded.getCustomMetadata_asU8());
  // Written by orderstream's own encoder (encodeMetadata): the envelope's metadata as stored, with
  // EventStoreDB's own fields beside it.
  const stored = (typeof rawMetadata === 'object' && rawMetadata !== null ? rawMetadata : {}) as StoredMetadata & Record<string, unknown>;
  const { [CORRELATION]: _correlation, [CAUSATION]: _causation, [SCHEMA_VERSION]: schemaVersion, ...metadata } = stored;
  return {
    streamId: header.streamId,
    revision: Number(header.revision),
    position: header.position,
    eventId,
    type: header.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: parseJson(recorded.getData_asU8()),
    recordedAt,
    metadata,
  };
}

function structuredUuid(structured: InstanceType<typeof sharedPb.UUID.Structured>): string {
  const hex = (value: string): string => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
  const text = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
