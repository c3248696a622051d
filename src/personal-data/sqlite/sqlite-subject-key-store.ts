// The embedded key store: one SQLite file in DATA_DIR (keys.db) beside the read models. A source
// of truth like the log (a lost key is data lost), so written like it: WAL, synchronous=FULL.
// secure_delete overwrites a destroyed key's bytes in the file, and the WAL is checkpointed and
// truncated after each destruction so no copy of the page stays behind in it.
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openSyncedFile } from '../../sqlite/open-synced-file.js';
import { StorageMonitor, type StorageFault } from '../../sqlite/storage-monitor.js';
import { assertSubject, type SubjectKey, type SubjectKeyStore } from '../subject-key-store.port.js';

export const KEYS_DB_FILE = 'keys.db';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS subject_keys (
    subject TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, erased_at TEXT) WITHOUT ROWID;
`;

interface KeyRow {
  key: Buffer | null;
  erased_at: string | null;
}

const keyOf = (row: KeyRow): SubjectKey => (row.key === null ? { state: 'erased', erasedAt: row.erased_at ?? '' } : { state: 'active', key: row.key });

export class SqliteSubjectKeyStore implements SubjectKeyStore {
  private readonly db: Database.Database;
  private readonly statements;
  readonly storage: StorageMonitor;

  static inDataDir(dataDir: string): SqliteSubjectKeyStore {
    return new SqliteSubjectKeyStore(join(dataDir, KEYS_DB_FILE));
  }

  constructor(path: string) {
    this.db = openSyncedFile(path, SCHEMA, ['secure_delete = ON']);
    this.storage = new StorageMonitor('key store', this.db);
    this.statements = {
      create: this.db.prepare('INSERT INTO subject_keys (subject, key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      find: this.db.prepare('SELECT key, erased_at FROM subject_keys WHERE subject = ?'),
      page: this.db.prepare('SELECT subject, key, erased_at FROM subject_keys WHERE subject > ? ORDER BY subject LIMIT +?'),
      replace: this.db.prepare('UPDATE subject_keys SET key = ? WHERE subject = ? AND key = ?'),
      destroy: this.db.prepare(`INSERT INTO subject_keys (subject, key, created_at, erased_at) VALUES (?, NULL, ?, ?)
        ON CONFLICT (subject) DO UPDATE SET key = NULL, erased_at = coalesce(subject_keys.erased_at, excluded.erased_at)`),
    };
  }

  async keyFor(subject: string, createdAt: string, newKey: Buffer): Promise<SubjectKey> {
    assertSubject(subject);
    this.storage.write(() => this.statements.create.run(subject, newKey, createdAt));
    return (await this.find(subject))!;
  }

  async find(subject: string): Promise<SubjectKey | undefined> {
    const row = this.statements.find.get(subject) as KeyRow | undefined;
    return row && keyOf(row);
  }

  async page(after: string | undefined, limit: number): Promise<Array<{ subject: string; key: SubjectKey }>> {
    const rows = this.statements.page.all(after ?? '', limit) as Array<KeyRow & { subject: string }>;
    return rows.map((row) => ({ subject: row.subject, key: keyOf(row) }));
  }

  async replace(subject: string, expected: Buffer, next: Buffer): Promise<boolean> {
    return this.storage.write(() => this.statements.replace.run(next, subject, expected)).changes === 1;
  }

  async destroy(subject: string, erasedAt: string): Promise<void> {
    assertSubject(subject);
    this.storage.write(() => this.statements.destroy.run(subject, erasedAt, erasedAt));
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  storageFault(): StorageFault | undefined {
    return this.storage.fault;
  }

  /** A consistent copy into `destination` (a new file), through SQLite's online backup API. */
  async backup(destination: string): Promise<{ bytes: number }> {
    await this.db.backup(destination);
    return { bytes: statSync(destination).size };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
