// What the runner drives, reduced to one shape (BatchProcessor): a generic handler (sagas),
// whose effects happen inside handle() and whose checkpoint the runner keeps in the read store,
// or a document projection, through the projection engine (src/projection-engine).
import type { AllFilter, RecordedEvent } from '../eventstore/event-store.port.js';
import type { DocumentWrite } from '../readstore/read-store.port.js';
import { EventProcessingError } from './event-processing-error.js';
import { StoreUnavailableError } from '../eventstore/event-store.errors.js';

export interface EventHandler {
  /** Stable name: its checkpoint and parked events are kept under it. */
  name: string;
  /** Only these events reach the handler (the store filters). */
  filter?: AllFilter;
  /** Delivery is at least once: the same events may come again after a crash or a retry. */
  handle(events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Batches that may be handled at once (1 by default). Above 1 the next batch starts while the
   * one before it still waits on its effects; checkpoints still move in log order, each past a
   * batch only once it and every batch before it are done. Only for a handler that keeps, across
   * overlapping handle() calls, the order it needs (the saga: per order, in the order called).
   */
  overlappingBatches?: number;
}

export interface BatchProcessor {
  readonly name: string;
  readonly checkpointName: string;
  readonly filter?: AllFilter;
  /** The event types it applies (the rest only move its checkpoint); its trace shows those (tracing.ts). */
  readonly eventTypes?: ReadonlySet<string>;
  /** Runs once before the subscription starts (and again after an outage), e.g. to ensure a collection. */
  prepare(): Promise<void>;
  /** Does the subscriber's work; returns the writes to commit with the checkpoint. */
  process(events: readonly RecordedEvent[]): Promise<DocumentWrite[]>;
  /** See EventHandler.overlappingBatches; 1 when absent. */
  readonly overlappingBatches?: number;
}

export function handlerProcessor(handler: EventHandler): BatchProcessor {
  return {
    name: handler.name,
    checkpointName: handler.name,
    filter: handler.filter,
    overlappingBatches: handler.overlappingBatches,
    prepare: async () => {},
    async process(events) {
      try {
        await handler.handle(events);
      } catch (error) {
        // A store that cannot take the handler's writes (a full disk, an unreachable server) is
        // an outage to wait out, not a fault of these events: never park them for it.
        if (error instanceof StoreUnavailableError) throw error;
        throw new EventProcessingError(handler.name, events.length === 1 ? events[0] : undefined, error);
      }
      return [];
    },
  };
}
