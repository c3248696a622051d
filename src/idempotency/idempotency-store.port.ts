// Remembers which request body an Idempotency-Key was first used with. The answer itself is
// not stored: the key fixes the command id, and a recorded command id is answered from the
// event store as it was the first time (see CommandProcessor).

export type Reservation =
  /** First use of the key: go ahead. */
  | 'new'
  /** The key was used before with the same request: go ahead, the command id dedupes it. */
  | 'repeat'
  /** The key was used before with a different request: refuse. */
  | 'mismatch';

export interface IdempotencyStore {
  reserve(scope: string, key: string, fingerprint: string): Promise<Reservation>;
  /** Forgets a new reservation whose request failed before it was recorded. */
  release(scope: string, key: string, fingerprint: string): Promise<void>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
