// Embedded idempotency keys in their own SQLite file (a separate writer from the event log,
// so key bookkeeping never contends with the event store's group commit).
import Database from 'better-sqlite3';
import type { IdempotencyStore, Reservation } from './idempotency-store.port.js';

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly lookup: Database.Statement<[string, string], { fingerprint: string }>;
  private readonly remove: Database.Statement;

  constructor(file: string, private readonly now: () => Date = () => new Date()) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (scope, key)) WITHOUT ROWID`);
    this.insert = this.db.prepare('INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, ?, ?)');
    this.lookup = this.db.prepare('SELECT fingerprint FROM idempotency_keys WHERE scope = ? AND key = ?');
    this.remove = this.db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND fingerprint = ?');
  }

  async reserve(scope: string, key: string, fingerprint: string): Promise<Reservation> {
    // INSERT OR IGNORE is the atomic "first one wins": no read-then-write window.
    if (this.insert.run(scope, key, fingerprint, this.now().toISOString()).changes === 1) return 'new';
    return this.lookup.get(scope, key)?.fingerprint === fingerprint ? 'repeat' : 'mismatch';
  }

  async release(scope: string, key: string, fingerprint: string): Promise<void> {
    this.remove.run(scope, key, fingerprint);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
