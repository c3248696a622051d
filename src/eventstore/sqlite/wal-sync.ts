// Makes committed appends durable off the event loop: the store commits with synchronous=NORMAL
// (SQLite writes the WAL frames, no fsync) and this fsyncs the WAL file on libuv's thread pool.
// While one fsync runs, the loop keeps serving and the next commits pile up behind it, so they
// share the next fsync: the group commit batches more instead of waiting. Appends are answered,
// and readers shown events, only once an fsync that began after their commit has returned.
//
// Why an fsync of the WAL file is enough: in WAL mode a commit only appends frames to the WAL
// (write(2)); the database file changes only at checkpoints, which SQLite syncs itself (WAL
// first, then the database) in every synchronous mode. fsync(2) flushes the file's inode, not a
// descriptor, so the WAL's frames written through SQLite's descriptor are flushed through ours.
// The WAL file stays the same inode while the connection is open: in EXCLUSIVE locking mode it is
// only deleted at close, and a reset after a checkpoint rewrites it in place.
//
// A failed fsync is final: no fsync is tried after it (see StorageMonitor.stop, "fsyncgate").
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Position } from '../event-store.port.js';

/** What one fsync covered: every commit up to `head`. */
export type SyncOutcome = { ok: true; head: Position | undefined } | { ok: false; head: Position | undefined; error: unknown };

export interface WalSyncOptions {
  /** The database file; its WAL is `<file>-wal`. */
  file: string;
  /** Last committed position (durable or not). */
  committedHead(): Position | undefined;
  /** Called on the event loop after each fsync with the position it made durable, or its error (then no more fsyncs run). */
  synced(outcome: SyncOutcome): void;
  /** fs.fsync by default; a test holds or fails it to watch what waits for it. */
  fsync?: Fsync;
}

export type Fsync = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

export class WalSync {
  private fd: number | undefined;
  private running = false;
  private again = false;
  private closed = false;
  /** An fsync failed: a later one that succeeds would not prove the earlier frames reached the disk. */
  private failed = false;
  private fsync: Fsync;

  constructor(private readonly options: WalSyncOptions) {
    this.fsync = options.fsync ?? fsync;
  }

  /** Replaces fs.fsync from now on. Tests fail the disk this way without root; production never calls it. */
  replaceFsync(replacement: Fsync): void {
    this.fsync = replacement;
  }

  /** Opens the WAL and makes what is already committed (schema, a former run's tail) and the WAL's directory entry durable. */
  open(): void {
    this.fd = openSync(`${this.options.file}-wal`, 'r');
    fsyncSync(this.fd);
    const dir = openSync(dirname(this.options.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /** Something was committed: an fsync will cover it (the one starting now, or the next after the one running). */
  request(): void {
    if (this.closed || this.failed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.start();
  }

  /** Whether an fsync is running or wanted. */
  get busy(): boolean {
    return this.running || this.again;
  }

  /** Syncs whatever is left on this thread and closes the descriptor (the caller has stopped committing). */
  closeSync(): void {
    this.closed = true;
    if (this.fd === undefined) return;
    if (this.failed) {
      // Nothing to answer: every commit after the failure was refused, and a good fsync now proves nothing.
      closeSync(this.fd);
      this.fd = undefined;
      return;
    }
    const head = this.options.committedHead();
    let outcome: SyncOutcome;
    try {
      fsyncSync(this.fd);
      outcome = { ok: true, head };
    } catch (error) {
      outcome = { ok: false, head, error };
    }
    closeSync(this.fd);
    this.fd = undefined;
    this.options.synced(outcome);
  }

  private start(): void {
    if (this.fd === undefined) return;
    this.running = true;
    this.again = false;
    // Everything committed up to now is in the WAL's page cache; this fsync covers it.
    const head = this.options.committedHead();
    this.fsync(this.fd, (error) => {
      this.running = false;
      if (this.closed) return; // closeSync synced and answered on its own
      if (error) {
        this.failed = true;
        this.options.synced({ ok: false, head, error });
        return;
      }
      this.options.synced({ ok: true, head });
      if (this.again) this.start();
    });
  }
}
