// The credential store port: secrets (password hashes) kept apart from the event log, on the
// same engine as the read models (the embedded SQLite file beside them, or MongoDB). The log
// records THAT a credential was set, under a credential id; the secret itself lives only here,
// keyed by its subject (the account) and that id. Unlike the read models this is not derived
// data: it is never rebuilt from the log, and it is backed up with it.
//
// Writes are first-wins and idempotent: a put of an existing (subject, id) changes nothing, so a
// retried command (whose credential id derives from its command id) stores the same row again
// safely, and an old row can never be overwritten by a replay or a migration.
import type { StorageFault } from '../sqlite/storage-monitor.js';

export interface StoredCredential {
  subject: string;
  credentialId: string;
  secret: string;
  /** ISO-8601, when the row was first stored (for sweeping rows no event ever named). */
  storedAt: string;
}

export interface CredentialStore {
  /** Stores the secret unless (subject, credentialId) already holds one; never overwrites. */
  put(subject: string, credentialId: string, secret: string, storedAt: string): Promise<void>;
  /** The secret stored for (subject, credentialId), if any. */
  get(subject: string, credentialId: string): Promise<string | undefined>;
  /** Removes every credential of `subject` but `keep` (older passwords, abandoned attempts). */
  retainOnly(subject: string, keep: string): Promise<number>;
  /** Removes every credential of `subject` stored before `before` (ISO-8601) but `keep`, if given. */
  sweep(subject: string, before: string, keep?: string): Promise<number>;
  /** The subjects holding at least one credential, in order, a page at a time. */
  subjects(after: string | undefined, limit: number): Promise<string[]>;
  /** A file-backed store whose disk refuses writes says so here (GET /health). */
  storageFault?(): StorageFault | undefined;
  close(): Promise<void>;
}

/** Subjects and credential ids are short, non-empty and hold no newline (the Mongo adapter's _id joins them with one). */
export function assertKey(subject: string, credentialId: string): void {
  for (const [name, value] of [['subject', subject], ['credentialId', credentialId]] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200 || value.includes('\n')) {
      throw new RangeError(`${name} must be 1-200 characters without a newline`);
    }
  }
}

export const CREDENTIAL_STORE = Symbol('CredentialStore');
