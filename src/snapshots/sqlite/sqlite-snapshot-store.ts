// Snapshots on the embedded default: a SQLite file of their own beside the event log
// (<DATA_DIR>/snapshots.db), one row per stream. Derived data only: synchronous=NORMAL (a power
// loss may drop the last snapshots, which the next commands write again), and a damaged file is
// moved aside and replaced by an empty one at start.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkIntact, openDerivedFile } from '../../sqlite/damaged-file.js';
import type { SnapshotStore, StoredSnapshot } from '../snapshot-store.port.js';

export const SNAPSHOTS_DB_FILE = 'snapshots.db';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS snapshots (
    stream_id TEXT PRIMARY KEY, version TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL,
    event_hash TEXT NOT NULL, state TEXT NOT NULL, commands TEXT NOT NULL) WITHOUT ROWID;
`;

interface Row {
  stream_id: string;
  version: string;
  revision: bigint;
  position: bigint;
  event_hash: string;
  state: string;
  commands: string;
}

export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement<[Row]>;

  static inDataDir(dataDir: string, warn: (message: string) => void): SqliteSnapshotStore {
    return new SqliteSnapshotStore(join(dataDir, SNAPSHOTS_DB_FILE), warn);
  }

  constructor(path: string, warn: (message: string) => void = () => undefined) {
    this.db = openDerivedFile(path, openFile, warn);
    this.select = this.db.prepare<[string], Row>('SELECT * FROM snapshots WHERE stream_id = ?').safeIntegers(true);
    // A later revision of the same version stays (commands finishing out of order); another version is replaced.
    this.upsert = this.db.prepare<[Row]>(
      'INSERT INTO snapshots (stream_id, version, revision, position, event_hash, state, commands) ' +
        'VALUES (@stream_id, @version, @revision, @position, @event_hash, @state, @commands) ' +
        'ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, revision = excluded.revision, position = excluded.position, ' +
        'event_hash = excluded.event_hash, state = excluded.state, commands = excluded.commands ' +
        'WHERE excluded.version <> snapshots.version OR excluded.revision > snapshots.revision',
    );
  }

  async load(streamId: string): Promise<StoredSnapshot | undefined> {
    const row = this.select.get(streamId);
    if (row === undefined) return undefined;
    return {
      streamId: row.stream_id, version: row.version, revision: Number(row.revision), position: row.position,
      hash: row.event_hash, state: row.state, commands: row.commands,
    };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    this.upsert.run({
      stream_id: snapshot.streamId, version: snapshot.version, revision: BigInt(snapshot.revision), position: snapshot.position,
      event_hash: snapshot.hash, state: snapshot.state, commands: snapshot.commands,
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function openFile(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    checkIntact(db, path);
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
