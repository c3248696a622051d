// A small SQLite file that is a source of truth beside the event log (credentials, personal-data
// keys): WAL, and synchronous=FULL so an acknowledged write survives a power loss; the schema
// created if missing. A file that fails any of it is closed again, never left half open.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export function openSyncedFile(path: string, schema: string, extraPragmas: readonly string[] = []): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    for (const pragma of extraPragmas) db.pragma(pragma);
    db.pragma('busy_timeout = 5000');
    db.exec(schema);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
