// The key store of personal data: one data key per data subject (AES-256, wrapped when a
// key-encryption key is configured: key-wrapping.ts), kept apart from the
// event log on the engine of the read models (keys.db beside them, or a MongoDB collection).
// Destroying a subject's key is erasing the subject: every value sealed with it, in the log, in
// backups of the log and in exports, can no longer be read, while the log's bytes (and so every
// hash chain, anchor and signed export) stay as they were. A destroyed key leaves a tombstone, so
// the subject is never given a new key: anything written for them afterwards is sealed under a key
// that is thrown away at once (personal-data-event-store.ts), i.e. erased as it is written.
//
// Not derived data: never rebuilt from the log, backed up with it (src/backup).
import type { StorageFault } from '../sqlite/storage-monitor.js';

export type SubjectKey = { state: 'active'; key: Buffer } | { state: 'erased'; erasedAt: string };

export interface SubjectKeyStore {
  /**
   * The subject's key as stored; if they have none, `newKey` is stored as theirs first (first-wins:
   * two racing writers get the same key). An erased subject answers erased. The bytes are what the
   * caller keeps (a data key, or one wrapped with a key-encryption key: key-wrapping.ts).
   */
  keyFor(subject: string, createdAt: string, newKey: Buffer): Promise<SubjectKey>;
  /** The subject's key as it stands; undefined if they never had one. */
  find(subject: string): Promise<SubjectKey | undefined>;
  /** Destroys the key (its bytes overwritten where the engine allows) and leaves a tombstone; idempotent. */
  destroy(subject: string, erasedAt: string): Promise<void>;
  /** Every subject's stored key, a page at a time in subject order after `after` (for rewrapping). */
  page(after: string | undefined, limit: number): Promise<Array<{ subject: string; key: SubjectKey }>>;
  /** Replaces the subject's stored key bytes if they still are `expected` (an erasure meanwhile wins); true if replaced. */
  replace(subject: string, expected: Buffer, next: Buffer): Promise<boolean>;
  /** A file-backed store whose disk refuses writes says so here (GET /health). */
  storageFault?(): StorageFault | undefined;
  close(): Promise<void>;
}

export const KEY_BYTES = 32;

/** Subjects are short, non-empty strings (user ids). */
export function assertSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 200) throw new RangeError('subject must be 1-200 characters');
}

export const SUBJECT_KEY_STORE = Symbol('SubjectKeyStore');
