// Before the service starts on the embedded log: is events.db sound? It is the source of truth, so
// a damaged one is never moved aside or rebuilt: the start stops with a plain message (main.ts)
// and the operator restores it from a backup. SQLite's quick_check costs ~130 ms per 100k events.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DamagedFileError, checkIntact, isDamage } from '../../sqlite/damaged-file.js';

export function checkEventLogFile(file: string): void {
  if (!existsSync(file)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    checkIntact(db, file);
  } catch (error) {
    // Held by a running writer: the store's own open says so ("in use by another writer").
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return;
    if (isDamage(error) && !(error instanceof DamagedFileError)) throw new DamagedFileError(file, (error as Error).message, { cause: error });
    throw error;
  } finally {
    db?.close();
  }
}
