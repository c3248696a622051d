// Errors of the EventStore port. Adapters translate their driver's errors into these.
import type { ExpectedRevision } from './event-store.port.js';

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong_expected_revision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id already stored in a way that does not make this append an idempotent retry. */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate_event_id';
  constructor(readonly eventId: string) {
    super(`Event id ${eventId} is already stored elsewhere`);
    this.name = 'DuplicateEventIdError';
  }
}

/** An append the store refuses for its shape or size before trying (e.g. over 1 MiB). */
export class AppendRejectedError extends Error {
  readonly code = 'append_rejected';
  constructor(message: string) {
    super(message);
    this.name = 'AppendRejectedError';
  }
}

/** The store could not be reached or did not answer in time; the request may be retried. */
export class StoreUnavailableError extends Error {
  readonly code: string = 'store_unavailable';
  /** What a client is told (the message may name internals, and is logged instead). */
  readonly answer: string = 'The event store is unavailable; retry the request';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
