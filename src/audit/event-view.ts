// The JSON an auditor or an export sees of a stored event: the envelope of DESIGN.md with the
// position as a decimal string (a bigint has no JSON form).
import type { RecordedEvent, StoredMetadata } from '../eventstore/event-store.port.js';

export interface EventView {
  streamId: string;
  revision: number;
  position: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  recordedAt: string;
  metadata: StoredMetadata;
}

export function eventView(event: RecordedEvent): EventView {
  const { streamId, revision, position, eventId, type, schemaVersion, data, recordedAt, metadata } = event;
  return { streamId, revision, position: position.toString(), eventId, type, schemaVersion, data, recordedAt, metadata };
}

export function fromEventView(view: EventView): RecordedEvent {
  return { ...view, position: BigInt(view.position) };
}
