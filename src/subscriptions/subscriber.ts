// The two kinds of subscriber the runner drives, both reduced to one shape (BatchProcessor):
// a document projection, through the engine; or a generic handler (sagas), whose effects
// happen inside handle() and whose checkpoint the runner keeps in the read store.
import type { AllFilter, RecordedEvent } from '../eventstore/event-store.port.js';
import type { DocumentWrite, ReadStore } from '../readstore/read-store.port.js';
import { EventProcessingError } from './event-processing-error.js';
import { projectionCheckpointName, type DocumentProjection } from './projection.js';
import { ProjectionEngine } from './projection-engine.js';

export interface EventHandler {
  /** Stable name: its checkpoint and parked events are kept under it. */
  name: string;
  /** Only these events reach the handler (the store filters). */
  filter?: AllFilter;
  /** Delivery is at least once: the same events may come again after a crash or a retry. */
  handle(events: readonly RecordedEvent[]): Promise<void>;
}

export interface BatchProcessor {
  readonly name: string;
  readonly checkpointName: string;
  readonly filter?: AllFilter;
  /** Runs once before the subscription starts (and again after an outage), e.g. to ensure a collection. */
  prepare(): Promise<void>;
  /** Does the subscriber's work; returns the writes to commit with the checkpoint. */
  process(events: readonly RecordedEvent[]): Promise<DocumentWrite[]>;
}

export function projectionProcessor(projection: DocumentProjection, readStore: ReadStore, checkpointName = projectionCheckpointName(projection)): BatchProcessor {
  const engine = new ProjectionEngine(projection);
  // No store-side filter: the projection sees every event so its checkpoint follows the head,
  // which is what read-your-writes waits on.
  return {
    name: projection.name,
    checkpointName,
    prepare: () => readStore.ensureCollection(projection.collection),
    process: async (events) => (await engine.apply(readStore, events)).writes,
  };
}

export function handlerProcessor(handler: EventHandler): BatchProcessor {
  return {
    name: handler.name,
    checkpointName: handler.name,
    filter: handler.filter,
    prepare: async () => {},
    async process(events) {
      try {
        await handler.handle(events);
      } catch (error) {
        throw new EventProcessingError(handler.name, events.length === 1 ? events[0] : undefined, error);
      }
      return [];
    },
  };
}
