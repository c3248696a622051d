// Remembers which request an Idempotency-Key was first used with, and the answer it got.
// The key also fixes the command id, so even two identical requests racing each other
// record the command once (see CommandProcessor); the stored answer makes a repeat answer
// exactly as the first time, including for a command that recorded nothing.

import type { StorageFault } from '../sqlite/storage-monitor.js';

export type Reservation =
  /** First use of the key: go ahead. */
  | { kind: 'new' }
  /** Used before with the same request; `answer` is set once that request completed. */
  | { kind: 'repeat'; answer?: unknown }
  /** Used before with a different request: refuse. */
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  reserve(scope: string, key: string, fingerprint: string): Promise<Reservation>;
  /** Records the answer of the request that holds the key. */
  complete(scope: string, key: string, fingerprint: string, answer: unknown): Promise<void>;
  /** Forgets a reservation whose request failed before anything was answered. */
  release(scope: string, key: string, fingerprint: string): Promise<void>;
  close(): Promise<void>;
  /** The disk refuses the store's writes (full, I/O errors) since a moment; /health says degraded. */
  storageFault?(): StorageFault | undefined;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
