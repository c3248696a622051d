// Reading rows of the events table back into the port's RecordedEvent.
import type { RecordedEvent, StoredMetadata } from '../event-store.port.js';

export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at';

/** A row as read by a statement in safeIntegers mode: every INTEGER column is a bigint. */
export interface EventRow {
  position: bigint;
  stream_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  schema_version: bigint;
  data: string;
  metadata: string;
  recorded_at: string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: Number(row.schema_version),
    data: JSON.parse(row.data) as unknown,
    recordedAt: row.recorded_at,
    metadata: JSON.parse(row.metadata) as StoredMetadata,
  };
}
