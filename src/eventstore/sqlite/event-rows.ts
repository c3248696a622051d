// Reading rows of the events table back into the port's RecordedEvent.
import type { RecordedEvent, StoredMetadata } from '../event-store.port.js';

export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at';

/**
 * A row as read by a statement with safe integers off: INTEGER columns are numbers. Positions
 * stay below 2^53 (documents record them as numbers too, projection-engine.ts), and building one
 * bigint here is cheaper than the driver making three.
 */
export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

/**
 * The same columns as a statement in raw mode answers them: an array per row, which the driver
 * builds faster than an object with named keys (a quarter of reading $all for a rebuild).
 */
export type RawEventRow = [
  position: number,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
];

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return recordedEvent(row.position, row.stream_id, row.revision, row.event_id, row.type, row.schema_version, row.data, row.metadata, row.recorded_at);
}

export function rawToRecordedEvent(row: RawEventRow): RecordedEvent {
  return recordedEvent(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]);
}

function recordedEvent(
  position: number,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadataJson: string,
  recordedAt: string,
): RecordedEvent {
  return {
    streamId,
    revision,
    position: BigInt(position),
    eventId,
    type,
    schemaVersion,
    data: JSON.parse(data) as unknown,
    recordedAt,
    // Parsed when first read: most subscribers (a projection folding data) never look at it,
    // and it is the larger half of the row (actor, ids, two hashes).
    get metadata(): StoredMetadata {
      const metadata = JSON.parse(metadataJson) as StoredMetadata;
      Object.defineProperty(this, 'metadata', { value: metadata, enumerable: true, writable: true, configurable: true });
      return metadata;
    },
  };
}
