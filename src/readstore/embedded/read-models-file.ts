// The durable half of the embedded read store: one SQLite file holding every collection's
// spec and documents, the subscribers' checkpoints and the parked events. Memory is rebuilt
// from it at open; every change is written here first, in one transaction, then to memory.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Position } from '../../eventstore/event-store.port.js';
import type { CollectionSpec, ParkedEvent, ParkedEventRecord, ParkedResolution, ReadDocument } from '../read-store.port.js';
import { StorageMonitor } from '../../sqlite/storage-monitor.js';
import { checkIntact } from '../../sqlite/damaged-file.js';
import { parseSharingStrings } from './shared-strings.js';
import { leaveIntactMark, takeIntactMark } from './intact-file-mark.js';

export interface DocumentChange {
  collection: string;
  id: string;
  /** The new document, or null to delete it. */
  doc: ReadDocument | null;
}

export interface StoredCollection {
  spec: CollectionSpec;
  documents: ReadDocument[];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, spec TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (collection, id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS checkpoints (subscriber TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS parked (
    subscriber TEXT NOT NULL, position INTEGER NOT NULL, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    event_id TEXT NOT NULL, type TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL, parked_at TEXT NOT NULL,
    PRIMARY KEY (subscriber, position)) WITHOUT ROWID;
  -- A table of its own (not columns of parked) so files written before it need no migration.
  CREATE TABLE IF NOT EXISTS parked_resolutions (
    subscriber TEXT NOT NULL, position INTEGER NOT NULL, action TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
    reason TEXT NOT NULL, PRIMARY KEY (subscriber, position)) WITHOUT ROWID;
`;

interface ParkedRow {
  subscriber: string;
  position: bigint;
  stream_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  error: string;
  attempts: bigint;
  parked_at: string;
}

interface ResolutionRow {
  action: 'retried' | 'skipped';
  by: string;
  at: string;
  reason: string;
}

export class ReadModelsFile {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** Made once: better-sqlite3 builds a transaction function's wrappers (and savepoint SQL) at each db.transaction call. */
  private readonly commitTransaction: (changes: readonly DocumentChange[], checkpoints: ReadonlyMap<string, Position>) => void;
  /** Whether the disk refuses this file's writes (GET /health). */
  readonly storage: StorageMonitor;
  /** Every document was read back without damage: a clean close may vouch for the file. */
  private loaded = false;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    const closedIntact = takeIntactMark(path);
    this.db = new Database(path);
    try {
      // The in-memory copy is only right while this connection is the file's sole writer, so
      // hold the lock for the connection's life (in WAL mode this also avoids the shared-memory index).
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      // NORMAL, not FULL: nothing here is the source of truth. In WAL mode a power loss can only
      // drop the last commits whole, and each commit carries its checkpoint, so documents and
      // checkpoint roll back together and the lost tail is replayed from the event log.
      // (The event log is fsynced before every acknowledgement, eventstore/sqlite/wal-sync.ts.)
      this.db.pragma('synchronous = NORMAL');
      // Every subscriber's batch is a commit here; a checkpoint (fsyncs on the event loop) every
      // 1,000 pages came every few hundred batches under load. 8,000 pages is ~32 MiB of WAL.
      this.db.pragma('wal_autocheckpoint = 8000');
      if (!closedIntact) checkIntact(this.db, path);
      this.db.exec(SCHEMA);
      this.statements = prepareStatements(this.db);
      this.commitTransaction = this.db.transaction((changes: readonly DocumentChange[], checkpoints: ReadonlyMap<string, Position>) => {
        for (const { collection, id, doc } of changes) {
          if (doc === null) this.statements.deleteDocument.run(collection, id);
          else this.statements.upsertDocument.run(collection, id, doc._position, JSON.stringify(doc));
        }
        for (const [subscriber, checkpoint] of checkpoints) this.statements.saveCheckpoint.run(subscriber, checkpoint);
      });
      this.storage = new StorageMonitor('read model store', this.db);
    } catch (error) {
      this.db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new Error(`Read store ${path} is in use by another process`, { cause: error });
      throw error;
    }
  }

  loadCollections(): StoredCollection[] {
    const specs = this.db.prepare('SELECT name, spec FROM collections').all() as { name: string; spec: string }[];
    const documents = this.db.prepare('SELECT body FROM documents WHERE collection = ?').pluck();
    const collections = specs.map(({ name, spec }) => ({
      spec: JSON.parse(spec) as CollectionSpec,
      // Row by row: holding every body at once (~100 MB for a 1M-event log's correlations) made them
      // all survive into the old generation before they were parsed.
      documents: parseSharingStrings(documents.iterate(name) as IterableIterator<string>),
    }));
    this.loaded = true;
    return collections;
  }

  loadCheckpoints(): Map<string, Position> {
    const rows = this.db.prepare('SELECT subscriber, position FROM checkpoints').safeIntegers(true).all() as { subscriber: string; position: bigint }[];
    return new Map(rows.map((row) => [row.subscriber, row.position]));
  }

  /** Writes the document changes and the checkpoints (the changes' subscriber's among them) in one transaction. */
  commit(changes: readonly DocumentChange[], checkpoints: ReadonlyMap<string, Position>): void {
    this.storage.write(() => this.commitTransaction(changes, checkpoints));
  }

  saveCollectionSpec(spec: CollectionSpec): void {
    this.storage.write(() => this.statements.saveSpec.run(spec.name, JSON.stringify(spec)));
  }

  dropCollection(name: string): void {
    this.storage.write(() =>
      this.db.transaction(() => {
        this.statements.deleteDocuments.run(name);
        this.statements.deleteSpec.run(name);
      })(),
    );
  }

  resetCheckpoint(subscriber: string): void {
    this.storage.write(() => this.statements.deleteCheckpoint.run(subscriber));
  }

  park(event: ParkedEvent): void {
    this.storage.write(() => this.statements.park.run({ ...event }));
  }

  listParked(subscriber?: string): ParkedEvent[] {
    const rows = (subscriber === undefined ? this.statements.listParked.all() : this.statements.listParkedOf.all(subscriber)) as ParkedRow[];
    return rows.map(parkedEventOf);
  }

  findParked(subscriber: string, position: Position): ParkedEventRecord | null {
    const row = this.statements.findParked.get(subscriber, position) as (ParkedRow & Partial<ResolutionRow>) | undefined;
    if (row === undefined) return null;
    const { action, by, at, reason } = row;
    return action === undefined || action === null
      ? parkedEventOf(row)
      : { ...parkedEventOf(row), resolution: { action, by: by!, at: at!, reason: reason! } };
  }

  resolveParked(subscriber: string, position: Position, resolution: ParkedResolution): boolean {
    return this.storage.write(() => this.statements.resolveParked.run({ subscriber, position, ...resolution })).changes === 1;
  }

  close(): void {
    this.db.close();
    // Not after damage was found, nor when a write the disk refused may have left the file in doubt.
    if (this.loaded && this.storage.fault === undefined && this.storage.stopped === undefined) leaveIntactMark(this.path);
  }
}

function parkedEventOf(row: ParkedRow): ParkedEvent {
  return {
    subscriber: row.subscriber,
    position: row.position,
    streamId: row.stream_id,
    revision: Number(row.revision),
    eventId: row.event_id,
    type: row.type,
    error: row.error,
    attempts: Number(row.attempts),
    parkedAt: row.parked_at,
  };
}

const UNRESOLVED = 'NOT EXISTS (SELECT 1 FROM parked_resolutions r WHERE r.subscriber = p.subscriber AND r.position = p.position)';

function prepareStatements(db: Database.Database) {
  return {
    upsertDocument: db.prepare(
      'INSERT INTO documents (collection, id, position, body) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (collection, id) DO UPDATE SET position = excluded.position, body = excluded.body',
    ),
    deleteDocument: db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
    saveCheckpoint: db.prepare(
      'INSERT INTO checkpoints (subscriber, position) VALUES (?, ?) ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position',
    ),
    deleteCheckpoint: db.prepare('DELETE FROM checkpoints WHERE subscriber = ?'),
    saveSpec: db.prepare('INSERT INTO collections (name, spec) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET spec = excluded.spec'),
    deleteSpec: db.prepare('DELETE FROM collections WHERE name = ?'),
    deleteDocuments: db.prepare('DELETE FROM documents WHERE collection = ?'),
    park: db.prepare(
      'INSERT OR REPLACE INTO parked (subscriber, position, stream_id, revision, event_id, type, error, attempts, parked_at) ' +
        'VALUES (@subscriber, @position, @streamId, @revision, @eventId, @type, @error, @attempts, @parkedAt)',
    ),
    listParked: db.prepare(`SELECT * FROM parked p WHERE ${UNRESOLVED} ORDER BY subscriber, position`).safeIntegers(true),
    listParkedOf: db.prepare(`SELECT * FROM parked p WHERE subscriber = ? AND ${UNRESOLVED} ORDER BY position`).safeIntegers(true),
    findParked: db
      .prepare(
        'SELECT p.*, r.action, r.by, r.at, r.reason FROM parked p LEFT JOIN parked_resolutions r USING (subscriber, position) ' +
          'WHERE p.subscriber = ? AND p.position = ?',
      )
      .safeIntegers(true),
    // Only a parked, unresolved event takes a resolution: the first one stays.
    resolveParked: db.prepare(
      'INSERT INTO parked_resolutions (subscriber, position, action, by, at, reason) ' +
        'SELECT @subscriber, @position, @action, @by, @at, @reason WHERE EXISTS (SELECT 1 FROM parked WHERE subscriber = @subscriber AND position = @position) ' +
        'ON CONFLICT (subscriber, position) DO NOTHING',
    ),
  };
}
