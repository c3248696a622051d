// A damaged SQLite file at start (an overwritten header, garbage in the middle, a truncation).
// A derived file (read models, idempotency answers) is moved aside, not deleted, so the damage can
// be looked at, and the store starts empty: what it held comes back from the event log. The event
// log is the source of truth: it is never moved or rebuilt; the service refuses to start instead.
import { existsSync, renameSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** The file is not a sound SQLite database. */
export class DamagedFileError extends Error {
  readonly code = 'damaged_file';
  /** What the file is to an operator, when it is a source of truth (e.g. "the event log"). */
  readonly what: string | undefined;
  constructor(
    readonly file: string,
    readonly detail: string,
    options?: { cause?: unknown; what?: string },
  ) {
    super(`${file} is damaged: ${detail}`, options);
    this.what = options?.what;
    this.name = 'DamagedFileError';
  }
}

/** SQLite's answers for a damaged file, and a document that no longer parses. */
export function isDamage(error: unknown): boolean {
  if (error instanceof DamagedFileError || error instanceof SyntaxError) return true;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * SQLite's quick_check: every page and b-tree is sound (not that indexes match their tables, which
 * integrity_check adds at about four times the cost). Measured: ~130 ms for a 100k-event log (92 MB).
 */
export function checkIntact(db: Database.Database, file: string): void {
  let verdict: unknown;
  try {
    verdict = db.pragma('quick_check(1)', { simple: true });
  } catch (error) {
    if (isDamage(error)) throw new DamagedFileError(file, (error as Error).message, { cause: error });
    throw error;
  }
  if (verdict !== 'ok') throw new DamagedFileError(file, String(verdict).replace(/\*\*\* in database \w+ \*\*\*\s*/, '').replace(/\s*\n\s*/g, '; '));
}

/**
 * Opens a derived file; if it is damaged, moves it (and its -wal and -shm) aside to
 * `<file>.corrupt-<timestamp>`, warns, and opens an empty one in its place.
 */
export function openDerivedFile<T>(file: string, open: (file: string) => T, warn: (message: string) => void, now = new Date()): T {
  try {
    return open(file);
  } catch (error) {
    if (!isDamage(error)) throw error;
    const aside = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    }
    const detail = error instanceof DamagedFileError ? error.detail : (error as Error).message;
    warn(
      `${file} is damaged (${detail}); moved aside to ${aside}. It holds derived data only: ` +
        'starting with an empty one, rebuilt from the event log.',
    );
    return open(file);
  }
}
