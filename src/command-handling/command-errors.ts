// Failures of the command path that are not domain rules.

/** Kept losing the optimistic-concurrency race after the bounded retries. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'concurrency_conflict';
  constructor(readonly streamId: string, readonly attempts: number) {
    super(`Stream ${streamId} kept changing underneath the command (${attempts} attempts); retry the request`);
    this.name = 'ConcurrencyConflictError';
  }
}

/** The client's If-Match revision is not the entity's current one. */
export class PreconditionFailedError extends Error {
  readonly code = 'precondition_failed';
  constructor(readonly expectedRevision: number, readonly actualRevision: number | undefined) {
    super(`If-Match revision ${expectedRevision} does not match the current revision ${actualRevision ?? 'none'}`);
    this.name = 'PreconditionFailedError';
  }
}
