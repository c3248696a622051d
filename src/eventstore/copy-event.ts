// Copying an event read from a store with new data (an upcast) without reading its metadata. The
// embedded store parses metadata only when first read (sqlite/event-rows.ts) because most readers
// never look at it; a spread reads it, and parsing every event's metadata was a tenth of a rebuild.
import type { RecordedEvent, StoredMetadata } from './event-store.port.js';

export function withData<E extends RecordedEvent>(event: E, data: unknown, schemaVersion: number): E {
  if (Object.getOwnPropertyDescriptor(event, 'metadata')?.get === undefined) return { ...event, data, schemaVersion };
  const copy: RecordedEvent = {
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    schemaVersion,
    data,
    recordedAt: event.recordedAt,
    // Read through the original, which parses once and keeps it.
    get metadata(): StoredMetadata {
      const metadata = event.metadata;
      Object.defineProperty(this, 'metadata', { value: metadata, enumerable: true, writable: true, configurable: true });
      return metadata;
    },
  };
  return copy as E;
}
