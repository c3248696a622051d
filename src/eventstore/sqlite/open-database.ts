// Opens the embedded event store's SQLite file: durability pragmas (fsync: wal-sync.ts), the single-writer lock
// and the schema.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DamagedFileError, isDamage } from '../../sqlite/damaged-file.js';

/** The file is held by another SqliteEventStore (in this process or another one). */
export class EventStoreLockedError extends Error {
  readonly code = 'event_store_locked';
  constructor(readonly file: string) {
    super(`Event store ${file} is in use by another writer`);
    this.name = 'EventStoreLockedError';
  }
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY,
    stream_id      TEXT    NOT NULL,
    revision       INTEGER NOT NULL,
    event_id       TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
  -- An index on type alone is ordered by (type, position), position being the rowid:
  -- a type-filtered read of $all walks it in position order.
  CREATE INDEX IF NOT EXISTS events_by_type ON events (type);
  -- One row per stream so an append finds the current revision and head hash in one lookup.
  CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT    PRIMARY KEY,
    revision  INTEGER NOT NULL,
    head_hash TEXT    NOT NULL
  ) WITHOUT ROWID;
`;

export interface OpenOptions {
  /** How long to wait for a lock held by another connection before giving up (ms). */
  busyTimeoutMs: number;
}

export function openDatabase(file: string, { busyTimeoutMs }: OpenOptions): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    // Single writer, enforced by SQLite itself: in EXCLUSIVE locking mode the first write
    // takes an exclusive lock on the file and keeps it until the connection closes. A second
    // connection (this process or another) gets SQLITE_BUSY on any access, so two processes
    // can never both assign positions. The OS drops the lock if the process dies, so there is
    // no stale lock file to clean up. Set before WAL is entered, it also means no -shm file
    // (the WAL index lives in this connection's memory), which is right for a single user.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // NORMAL: a commit writes the WAL without fsyncing it on the event loop; the store fsyncs the
    // WAL itself on the thread pool (wal-sync.ts) and answers an append only after that fsync,
    // so an acknowledged append is durable exactly as with FULL. Checkpoints sync as before.
    db.pragma('synchronous = NORMAL');
    // A checkpoint fsyncs the WAL and the database on the event loop. An append dirties about six
    // pages (the row, two indexes, the stream's head), so the default (1,000 pages) checkpointed
    // every ~170 appends; at 8,000 pages (~32 MiB of WAL) hot index pages are copied once per
    // checkpoint instead of once per 1,000 pages, and the loop stops for fsync 8x less often.
    db.pragma('wal_autocheckpoint = 8000');
    // Each append runs in a savepoint; keep its sub-journal in memory rather than a temp file.
    db.pragma('temp_store = MEMORY');
    // Appends to many streams touch random index pages (event ids are UUIDs); 32 MiB of page
    // cache keeps the indexes' upper levels and hot leaves in memory.
    db.pragma('cache_size = -32768');
    // Take the exclusive lock now rather than at the first append, so a second writer fails
    // at start-up, not later.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${file} has event store schema ${version}; this build knows up to ${SCHEMA_VERSION}`);
    }
    db.exec(`BEGIN; ${SCHEMA} PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT`);
    return db;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new EventStoreLockedError(file);
    // The source of truth: never moved aside or rebuilt; whoever opens it stops and says so.
    if (isDamage(error)) throw new DamagedFileError(file, (error as Error).message, { cause: error });
    throw error;
  }
}
