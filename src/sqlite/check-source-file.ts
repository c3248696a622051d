// Before the service starts on an embedded file that is a source of truth (the event log, the
// credential store): is it sound? Such a file is never moved aside or rebuilt: the start stops with
// a plain message (main.ts) and the operator restores it from a backup. SQLite's quick_check costs
// ~130 ms per 100k events.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DamagedFileError, checkIntact, isDamage } from './damaged-file.js';

/** Throws DamagedFileError naming `what` the file is when it is damaged; a missing file is fine. */
export function checkSourceOfTruthFile(file: string, what: string): void {
  if (!existsSync(file)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    checkIntact(db, file);
  } catch (error) {
    // Held by a running writer: the store's own open says so ("in use by another writer").
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return;
    if (error instanceof DamagedFileError) throw new DamagedFileError(file, error.detail, { cause: error, what });
    if (isDamage(error)) throw new DamagedFileError(file, (error as Error).message, { cause: error, what });
    throw error;
  } finally {
    db?.close();
  }
}

/**
 * The same check on a thread of its own, so the caller goes on meanwhile (main.ts loads the
 * service's modules while a 1M-event log is checked: ~1.5 s each). Rejects as the check would throw.
 */
export function checkSourceOfTruthFileAside(file: string, what: string): Promise<void> {
  if (!existsSync(file)) return Promise.resolve();
  return new Promise((sound, refused) => {
    const worker = new Worker(new URL('./check-source-file.worker.js', import.meta.url), { workerData: { file, what } });
    worker.once('message', (verdict: { sound?: true; damaged?: string; failed?: string; code?: unknown }) => {
      if (verdict.sound) sound();
      else if (verdict.damaged !== undefined) refused(new DamagedFileError(file, verdict.damaged, { what }));
      else refused(Object.assign(new Error(verdict.failed), { code: verdict.code }));
    });
    worker.once('error', refused);
    worker.once('exit', (code) => refused(new Error(`the check of ${file} stopped (exit code ${code}) before answering`)));
  });
}
