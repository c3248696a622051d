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

export function toRecordedEvent(row: EventRow): RecordedEvent {
  const metadataJson = row.metadata;
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    recordedAt: row.recorded_at,
    // Parsed when first read: most subscribers (a projection folding data) never look at it,
    // and it is the larger half of the row (actor, ids, two hashes).
    get metadata(): StoredMetadata {
      const metadata = JSON.parse(metadataJson) as StoredMetadata;
      Object.defineProperty(this, 'metadata', { value: metadata, enumerable: true, writable: true, configurable: true });
      return metadata;
    },
  };
}
