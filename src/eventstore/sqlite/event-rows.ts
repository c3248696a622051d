// Reading rows of the events table back into the port's RecordedEvent.
import type { RecordedEvent, StoredMetadata } from '../event-store.port.js';

export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at';

/**
 * A row as the statements read it: raw mode (an array per row, which the driver builds faster than
 * an object with named keys: a quarter of reading $all) and safe integers off (INTEGER columns are
 * numbers; positions stay below 2^53, documents record them as numbers too, projection-engine.ts,
 * and building one bigint here is cheaper than the driver making three).
 */
export type EventRow = [
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

export function toRecordedEvent([position, streamId, revision, eventId, type, schemaVersion, data, metadataJson, recordedAt]: EventRow): RecordedEvent {
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
