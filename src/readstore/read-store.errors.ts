// Errors of the ReadStore port. Adapters translate their driver's errors into these, so the
// subscription runner can tell "this write can never succeed" (park the event) from
// "the store is unwell" (back off and retry without parking anything).

/** The store refuses a write for what it contains; retrying the same write cannot help. */
export class WriteRejectedError extends Error {
  readonly code: string = 'write_rejected';
  constructor(message: string) {
    super(message);
    this.name = 'WriteRejectedError';
  }
}

/** A commit would give two documents the same key in a unique index; nothing was written. */
export class UniqueIndexViolationError extends WriteRejectedError {
  override readonly code = 'unique_index_violation';
  constructor(
    readonly collection: string,
    readonly index: string,
    readonly documentId: string,
  ) {
    super(`Unique index ${index} on ${collection}: document ${documentId} duplicates another document's key`);
    this.name = 'UniqueIndexViolationError';
  }
}

/** A query the store refuses to run, e.g. one asking it to execute JavaScript. */
export class UnsafeQueryError extends Error {
  readonly code = 'unsafe_query';
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeQueryError';
  }
}

/** The batch was made under a lease that has since moved to another holder: nothing was written. */
export class FencedWriteError extends Error {
  readonly code = 'fenced_write';
  constructor(
    readonly lease: string,
    readonly epoch: number,
  ) {
    super(`Lease ${lease} is no longer held at epoch ${epoch}: the write was refused`);
    this.name = 'FencedWriteError';
  }
}
