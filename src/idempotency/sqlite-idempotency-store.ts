// Embedded idempotency keys in their own SQLite file (a separate writer from the event log,
// so key bookkeeping never contends with the event store's group commit).
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { checkIntact, openDerivedFile } from '../sqlite/damaged-file.js';
import type { IdempotencyStore, Reservation } from './idempotency-store.port.js';
import { StorageMonitor, type StorageFault } from '../sqlite/storage-monitor.js';

interface KeyRow {
  fingerprint: string;
  answer: string | null;
}

function openKeys(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    checkIntact(db, file);
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, created_at TEXT NOT NULL,
      answer TEXT, PRIMARY KEY (scope, key)) WITHOUT ROWID`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly lookup: Database.Statement<[string, string], KeyRow>;
  private readonly answer: Database.Statement;
  private readonly remove: Database.Statement;
  /** Whether the disk refuses this file's writes (GET /health). */
  readonly storage: StorageMonitor;

  constructor(file: string, private readonly now: () => Date = () => new Date()) {
    // Derived enough to start afresh when damaged: a retried command whose key was forgotten gets
    // the same command id from the key, so the log answers it as before (see the interceptor);
    // only the 409 for a key reused with another body is lost for the keys used before.
    this.db = openDerivedFile(file, openKeys, (message) => new Logger('Idempotency').warn(message));
    this.insert = this.db.prepare('INSERT OR IGNORE INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES (?, ?, ?, ?)');
    this.lookup = this.db.prepare('SELECT fingerprint, answer FROM idempotency_keys WHERE scope = ? AND key = ?');
    this.answer = this.db.prepare('UPDATE idempotency_keys SET answer = ? WHERE scope = ? AND key = ? AND fingerprint = ? AND answer IS NULL');
    this.remove = this.db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND fingerprint = ? AND answer IS NULL');
    this.storage = new StorageMonitor('idempotency store', this.db);
  }

  async reserve(scope: string, key: string, fingerprint: string): Promise<Reservation> {
    // INSERT OR IGNORE is the atomic "first one wins": no read-then-write window.
    if (this.storage.write(() => this.insert.run(scope, key, fingerprint, this.now().toISOString())).changes === 1) return { kind: 'new' };
    const row = this.lookup.get(scope, key);
    if (!row) return this.reserve(scope, key, fingerprint); // released meanwhile: try again
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return row.answer === null ? { kind: 'repeat' } : { kind: 'repeat', answer: JSON.parse(row.answer) };
  }

  async complete(scope: string, key: string, fingerprint: string, answer: unknown): Promise<void> {
    this.storage.write(() => this.answer.run(JSON.stringify(answer), scope, key, fingerprint));
  }

  async release(scope: string, key: string, fingerprint: string): Promise<void> {
    this.storage.write(() => this.remove.run(scope, key, fingerprint));
  }

  storageFault(): StorageFault | undefined {
    return this.storage.fault;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
