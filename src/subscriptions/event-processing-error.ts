// Raised when a subscriber's own code fails on some events (a projection's evolve, a saga's
// handler). The runner retries, then parks such events. Anything else that fails (the event
// store, the read store) is an outage: the runner backs off and resubscribes, parking nothing.
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import { WriteRejectedError } from '../readstore/read-store.errors.js';

export class EventProcessingError extends Error {
  constructor(
    readonly subscriber: string,
    /** The event that failed, when the subscriber's code is called per event. */
    readonly event: RecordedEvent | undefined,
    override readonly cause: unknown,
  ) {
    super(`${subscriber}${event ? ` failed on event ${event.position} (${event.type})` : ' failed on a batch'}: ${messageOf(cause)}`, { cause });
    this.name = 'EventProcessingError';
  }

  /** The underlying failure, for the dead-letter list. */
  get reason(): string {
    return messageOf(this.cause);
  }
}

/** Failures that lie with the events being processed, so retrying them later may never help. */
export function isEventFailure(error: unknown): error is EventProcessingError | WriteRejectedError {
  return error instanceof EventProcessingError || error instanceof WriteRejectedError;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
