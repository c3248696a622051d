// The embedded stores' SQLite files and their disk: a write the disk refuses (SQLITE_FULL, any
// SQLITE_IOERR) leaves as StorageFaultError (HTTP 503 with Retry-After) instead of a driver error,
// and the file is reported faulty in /health until a write to it succeeds again. SQLite rolls
// back the failed transaction, so nothing was written; once space returns the next write goes
// through and clears the fault: there is nothing to repair. A failed fsync is the exception
// (stop()): it cannot be repaired in process, so the fault stays until a restart. That holds for
// every file written through a monitor: SQLite's own fsync failing a commit (SQLITE_IOERR_FSYNC,
// a synchronous=FULL file) stops the file here just as the event log's WAL fsync stops the log.
import { Logger } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '../eventstore/event-store.errors.js';

/** SQLite's answers for "the disk refused the write". */
export function isStorageFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR'));
}

/** SQLite's answers for "fsync(2) of the file, or of its directory, failed". */
export function isFailedFsync(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_DIR_FSYNC';
}

/**
 * A write refused by the disk; safe to retry later (nothing of it was written). After a failed
 * fsync (storage_fsync_failed) the write may be in the file or not: it is retried after the
 * restart, where appends with the same event ids are answered idempotently.
 */
export class StorageFaultError extends StoreUnavailableError {
  override readonly code: 'storage_full' | 'storage_io_error' | 'storage_fsync_failed';
  constructor(
    readonly store: string,
    cause: unknown,
    /** The file was stopped after a failed fsync (StorageMonitor.stop): no write until a restart. */
    stopped = false,
  ) {
    const full = (cause as { code?: unknown }).code === 'SQLITE_FULL';
    super(
      stopped
        ? `The ${store} refuses writes since an fsync of its file failed; the service must be restarted`
        : `The ${store} cannot write: ${full ? 'the disk is full' : 'the disk reported an I/O error'}; retry later`,
      { cause },
    );
    this.code = stopped ? 'storage_fsync_failed' : full ? 'storage_full' : 'storage_io_error';
    this.name = 'StorageFaultError';
  }
}

/** What /health shows while a file's writes fail. */
export interface StorageFault {
  code: StorageFaultError['code'];
  /** The driver's code, e.g. SQLITE_FULL or SQLITE_IOERR_WRITE. */
  sqliteCode: string;
  /** When the first write of this spell failed. */
  since: string;
  failedWrites: number;
  /** Set after a failed fsync: writes are refused until the service restarts and re-reads the file. */
  restartRequired?: true;
}

export class StorageMonitor {
  private current: StorageFault | undefined;
  /** What every write is refused with after a failed fsync (stop()); never cleared in process. */
  private stoppedBy: StorageFaultError | undefined;
  /** Operators learn of a spell of refused writes when it starts and when it ends, not per write. */
  private readonly logger = new Logger('Storage');

  constructor(
    /** How messages name the store, e.g. "event store". */
    readonly store: string,
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The fault since the last failed write, if no write has succeeded after it. */
  get fault(): StorageFault | undefined {
    return this.current && { ...this.current };
  }

  /**
   * Runs a write: a refused one is recorded and thrown as StorageFaultError, a successful one clears
   * the fault. After a failed fsync the write is not even tried: it would go into pages whose
   * neighbours the kernel may have dropped, and an answer to it would claim a durability the file
   * cannot prove any more.
   */
  write<T>(run: () => T): T {
    if (this.stoppedBy) throw this.refusedWhileStopped();
    let result: T;
    try {
      result = run();
    } catch (error) {
      throw this.failed(error);
    }
    this.succeeded();
    return result;
  }

  /** Records a storage fault and returns what to throw (other errors unchanged). */
  failed(error: unknown): unknown {
    if (this.stoppedBy) return this.refusedWhileStopped();
    if (!isStorageFault(error)) return error;
    // SQLite rolled the commit back, but the WAL frames it wrote may sit in the page cache marked
    // clean and not on the disk; a later fsync that succeeds would not say so. PostgreSQL's rule.
    if (isFailedFsync(error)) return this.stop(error);
    const sqliteCode = String((error as { code: unknown }).code);
    const translated = new StorageFaultError(this.store, error);
    if (this.current === undefined) {
      this.logger.error(`${this.store} degraded: the disk refused a write (${sqliteCode}); writes answer 503 ${translated.code} until one succeeds`);
    }
    this.current = {
      code: translated.code,
      sqliteCode,
      since: this.current?.since ?? this.now().toISOString(),
      failedWrites: (this.current?.failedWrites ?? 0) + 1,
    };
    return translated;
  }

  succeeded(): void {
    if (this.current === undefined || this.stoppedBy) return;
    this.logger.log(`${this.store} recovered: writes succeed again after ${this.current.failedWrites} refused since ${this.current.since}`);
    this.current = undefined;
  }

  /**
   * After a failed fsync (PostgreSQL's "fsyncgate"): Linux may have dropped the dirty pages the
   * fsync was to write and marked them clean, so a later fsync that succeeds proves nothing about
   * them. The only sound state is the file as the disk holds it, read again at the next start:
   * from now on every write is refused (storage_fsync_failed), /health shows the fault with
   * restartRequired, and it is logged once. Returns what to throw.
   */
  stop(cause: unknown): StorageFaultError {
    if (this.stoppedBy) return this.refusedWhileStopped();
    const sqliteCode = String((cause as { code?: unknown } | null)?.code ?? 'SQLITE_IOERR_FSYNC');
    this.stoppedBy = new StorageFaultError(this.store, cause, true);
    this.logger.error(`${this.store} stopped: an fsync of its file failed (${(cause as Error)?.message ?? String(cause)}); ` +
      'every write is refused (503 storage_fsync_failed) until the service is restarted and reads the file again from disk');
    this.current = { code: 'storage_fsync_failed', sqliteCode, since: this.current?.since ?? this.now().toISOString(), failedWrites: (this.current?.failedWrites ?? 0) + 1, restartRequired: true };
    return this.stoppedBy;
  }

  /** The error every write gets after stop(), or undefined while writes may be tried. */
  get stopped(): StorageFaultError | undefined {
    return this.stoppedBy;
  }

  /** Counts a write refused because the file was stopped and returns its error. */
  refusedWhileStopped(): StorageFaultError {
    this.current!.failedWrites += 1;
    return this.stoppedBy!;
  }

  /**
   * Caps the file at `pages` pages (SQLite's max_page_count, for this connection; never below the
   * file's current size, so 1 means "no bigger than now"): a write that needs more fails with
   * SQLITE_FULL exactly as on a full disk. Tests fill the disk this way without root; production
   * never calls it. Returns the cap in force.
   */
  capPages(pages: number): number {
    return Number(this.db.pragma(`max_page_count = ${Math.max(1, Math.trunc(pages))}`, { simple: true }));
  }

  /** Lifts the cap (SQLite's largest page count). */
  uncap(): number {
    return this.capPages(0xfffffffe);
  }
}
