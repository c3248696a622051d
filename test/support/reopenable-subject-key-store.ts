// Test double: a SubjectKeyStore that passes every call to a real key store, and can lose it and
// get it back, as a service does whose keys.db stops being readable and is then repaired. While it
// is lost every call reaches the closed real store and fails the way that store fails (no answer
// is made up here); reopen() puts a fresh real store over the same file in its place.
import type { SubjectKey, SubjectKeyStore } from '../../src/personal-data/subject-key-store.port.js';

export class ReopenableSubjectKeyStore implements SubjectKeyStore {
  private current: SubjectKeyStore;

  constructor(private readonly open: () => SubjectKeyStore) {
    this.current = open();
  }

  /** The key store stops answering: its connection is closed under the callers. */
  async lose(): Promise<void> {
    await this.current.close();
  }

  /** The key store answers again: a new connection to the same file. */
  reopen(): void {
    this.current = this.open();
  }

  keyFor(subject: string, createdAt: string, newKey: Buffer): Promise<SubjectKey> {
    return this.current.keyFor(subject, createdAt, newKey);
  }

  find(subject: string): Promise<SubjectKey | undefined> {
    return this.current.find(subject);
  }

  destroy(subject: string, erasedAt: string): Promise<void> {
    return this.current.destroy(subject, erasedAt);
  }

  page(after: string | undefined, limit: number): Promise<Array<{ subject: string; key: SubjectKey }>> {
    return this.current.page(after, limit);
  }

  replace(subject: string, expected: Buffer, next: Buffer): Promise<boolean> {
    return this.current.replace(subject, expected, next);
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
