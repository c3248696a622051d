// Checks an append's shape (for every adapter) and serialises its data before it joins the write queue, so a bad
// append is refused on its own and never reaches the shared transaction.
import { AppendRejectedError } from './event-store.errors.js';
import type { EventMetadata, ExpectedRevision, NewEvent } from './event-store.port.js';

/** EventStoreDB's default limit on one append (its MaxAppendSize), kept for parity. */
export const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024;

export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  dataJson: string;
  /** The writer's metadata, without any prevHash/hash it may have carried. */
  metadata: EventMetadata;
  /** JSON of `metadata`: an object text the writer completes with the chain fields. */
  metadataJson: string;
}

export interface PreparedAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: PreparedEvent[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONE_SURROGATE = /\p{Cs}/u;

/** A non-empty, well-formed string (lone surrogates would be mangled on the way to UTF-8). */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !LONE_SURROGATE.test(value);
}

function reject(streamId: unknown, reason: string): never {
  throw new AppendRejectedError(`Append to ${String(streamId)} rejected: ${reason}`);
}

function checkExpected(streamId: string, expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    reject(streamId, `expected revision ${String(expected)} is not a revision, 'no_stream', 'stream_exists' or 'any'`);
  }
}

function stringify(streamId: string, what: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    reject(streamId, `${what} is not JSON-serialisable (${(error as Error).message})`);
  }
  if (json === undefined) reject(streamId, `${what} is not JSON-serialisable`);
  return json;
}

function prepareEvent(streamId: string, event: NewEvent, index: number): PreparedEvent {
  const at = `event ${index}`;
  if (typeof event !== 'object' || event === null) reject(streamId, `${at} is not an object`);
  if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) reject(streamId, `${at} has no UUID eventId`);
  // '$' marks system streams and events in EventStoreDB; $all reads leave them out.
  if (!isName(event.type) || event.type.startsWith('$')) reject(streamId, `${at} has an invalid type`);
  const schemaVersion = event.schemaVersion ?? 1;
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) reject(streamId, `${at} has an invalid schemaVersion`);
  if (typeof event.metadata !== 'object' || event.metadata === null) reject(streamId, `${at} has no metadata`);
  // The store owns the chain fields; whatever the writer put there is replaced.
  const { prevHash: _prevHash, hash: _hash, ...metadata } = event.metadata as EventMetadata & { prevHash?: unknown; hash?: unknown };
  const metadataJson = stringify(streamId, `${at} metadata`, metadata);
  if (!metadataJson.startsWith('{')) reject(streamId, `${at} metadata does not serialise to an object`);
  return {
    // EventStoreDB answers event ids in lower case; do the same so ids compare equal.
    eventId: event.eventId.toLowerCase(),
    type: event.type,
    schemaVersion,
    data: event.data,
    dataJson: stringify(streamId, `${at} data`, event.data),
    metadata,
    metadataJson,
  };
}

/** Throws AppendRejectedError for an append the store refuses for its shape or size. */
export function prepareAppend(
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  maxAppendBytes: number,
): PreparedAppend {
  if (!isName(streamId) || streamId.startsWith('$')) reject(streamId, 'invalid stream id');
  checkExpected(streamId, expected);
  // Zero events is refused rather than treated as an expectation check: nothing is written,
  // so there is no position to answer, and a command that decides nothing has no reason to append.
  if (!Array.isArray(events) || events.length === 0) reject(streamId, 'no events');
  const prepared = events.map((event, index) => prepareEvent(streamId, event, index));
  let chars = 0;
  for (const event of prepared) chars += event.dataJson.length + event.metadataJson.length;
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so only a large append needs exact counting.
  if (chars * 3 > maxAppendBytes) {
    let bytes = 0;
    for (const event of prepared) bytes += Buffer.byteLength(event.dataJson) + Buffer.byteLength(event.metadataJson);
    if (bytes > maxAppendBytes) reject(streamId, `${bytes} bytes is over the ${maxAppendBytes}-byte limit`);
  }
  return { streamId, expected, events: prepared };
}
