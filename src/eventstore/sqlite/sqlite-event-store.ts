// The embedded event store: one SQLite file (WAL) written by one connection, with concurrent
// appends group-committed into one transaction, and the commits made while an fsync runs
// sharing the next one (wal-sync.ts). Nothing is answered or shown to a reader before its fsync.
// After a failed fsync the store refuses every append until the service restarts (stopAfterFailedFsync).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port.js';
import { type AppendOutcome, AppendWriter } from './append-writer.js';
import { filterSql } from './all-filter-sql.js';
import { catchUp } from './catch-up-subscription.js';
import { CommitNotifier } from './commit-notifier.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './event-rows.js';
import { openDatabase } from './open-database.js';
import { type Fsync, type SyncOutcome, WalSync, type WalSyncOptions } from './wal-sync.js';
import { DEFAULT_MAX_APPEND_BYTES, type PreparedAppend, prepareAppend } from '../prepare-append.js';
import { StorageFaultError, StorageMonitor, isStorageFault } from '../../sqlite/storage-monitor.js';
import { eventStoreMetrics } from '../event-store-metrics.js';

export interface SqliteEventStoreOptions {
  /** Wait for another writer to let go of the file at start-up (ms); default 5000. */
  busyTimeoutMs?: number;
  /** Largest append, data plus metadata, in bytes; default 1 MiB like EventStoreDB. */
  maxAppendBytes?: number;
  /** Replaces the WAL's asynchronous fsync (tests hold or fail it); fs.fsync by default. */
  fsync?: WalSyncOptions['fsync'];
}

export const EVENTS_DB_FILE = 'events.db';

/** Bounds one transaction's size; the rest of the queue goes in the next one. */
const MAX_BATCH = 1024;
/** SQLite's LIMIT for "no limit". */
// Statements here bind their LIMIT as `LIMIT +?`, never `LIMIT ?`: SQLite (3.53, as better-sqlite3
// 12 builds it) re-prepares a statement whose LIMIT is a bare bound parameter on every run, which
// costs a short stream read about twice its time; as an expression the plan and results are the same.
const NO_LIMIT = -1;

interface QueuedAppend extends PreparedAppend {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** A committed batch waiting for the fsync that makes it durable. */
interface CommittedBatch {
  batch: QueuedAppend[];
  outcomes: AppendOutcome[];
  /** The committed head right after this batch. */
  head: Position | undefined;
}

export class StoreClosedError extends Error {
  readonly code = 'store_closed';
  constructor() {
    super('The event store is closed');
    this.name = 'StoreClosedError';
  }
}

/** A failed fsync of the WAL, in SQLite's terms, so /health and the 503 answer name it like any storage fault. */
function fsyncFailure(cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return Object.assign(new Error(`fsync of the event log failed: ${message}`, { cause }), { code: 'SQLITE_IOERR_FSYNC' });
}

function checkMaxCount(maxCount: number | undefined): number {
  if (maxCount === undefined) return NO_LIMIT;
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  return maxCount;
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly writer: AppendWriter;
  private readonly commits = new CommitNotifier();
  private readonly queue: QueuedAppend[] = [];
  /** Committed, in commit order, not yet fsynced. */
  private unsynced: CommittedBatch[] = [];
  private readonly walSync: WalSync;
  /** Last durable position: what answers and readers may see. */
  private durableHead: Position | undefined;
  private flushScheduled: NodeJS.Immediate | undefined;
  private closing = false;
  private readonly maxAppendBytes: number;
  private readonly streamForwards: Database.Statement<[string, number, number], EventRow>;
  private readonly streamBackwards: Database.Statement<[string, number, number], EventRow>;
  /** $all statements by filter shape (number of types, number of prefixes). */
  private readonly allStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  /** Whether the disk refuses this file's writes (GET /health). */
  readonly storage: StorageMonitor;

  /** Opens (creating if needed) the store file; throws EventStoreLockedError if another writer holds it. */
  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    const db = (this.db = openDatabase(file, { busyTimeoutMs: options.busyTimeoutMs ?? 5000 }));
    this.maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
    this.writer = new AppendWriter(db);
    this.storage = new StorageMonitor('event store', db);
    this.walSync = new WalSync({ file, committedHead: () => this.writer.head, synced: (outcome) => this.synced(outcome), ...(options.fsync ? { fsync: options.fsync } : {}) });
    try {
      this.walSync.open();
    } catch (error) {
      db.close();
      throw error;
    }
    this.durableHead = this.writer.head;
    this.streamForwards = db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT +?`,
      )
      .raw(true);
    this.streamBackwards = db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT +?`,
      )
      .raw(true);
  }

  /** The store of a service: `<dataDir>/events.db`. */
  static inDataDir(dataDir: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    return new SqliteEventStore(join(dataDir, EVENTS_DB_FILE), options);
  }

  /** Replaces the WAL's fsync from now on. Tests fail the disk this way without root; production never calls it. */
  replaceFsync(fsync: Fsync): void {
    this.walSync.replaceFsync(fsync);
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new StoreClosedError());
    if (this.storage.stopped) return Promise.reject(this.storage.refusedWhileStopped());
    let prepared: PreparedAppend;
    try {
      prepared = prepareAppend(streamId, events, expected, this.maxAppendBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ ...prepared, resolve, reject });
      // setImmediate runs after the current burst of callers (and pending I/O callbacks) have
      // queued theirs, so they share one transaction and one fsync.
      this.flushScheduled ??= setImmediate(this.flushQueued);
    });
  }

  private readonly flushQueued = (): void => {
    this.flushScheduled = undefined;
    this.flush();
  };

  private flush(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) this.flushScheduled ??= setImmediate(this.flushQueued);
    if (batch.length === 0) return;
    if (this.storage.stopped) {
      for (const append of batch) append.reject(this.storage.refusedWhileStopped());
      return;
    }
    let outcomes;
    try {
      outcomes = this.writer.commit(batch);
      eventStoreMetrics.groupCommitted(batch.length);
    } catch (error) {
      // The whole transaction was rolled back: nothing of the batch is in the log.
      const refused = this.storage.failed(error);
      for (const append of batch) append.reject(refused);
      if (this.storage.stopped) this.stopAfterFailedFsync(error);
      return;
    }
    // An append can also be refused alone (its savepoint rolled back) while the others commit.
    outcomes = outcomes.map((outcome) => (outcome.ok ? outcome : { ok: false as const, error: this.storage.failed(outcome.error) }));
    if (!outcomes.some((outcome) => !outcome.ok && outcome.error instanceof StorageFaultError)) this.storage.succeeded();
    // A refused append (a wrong expected revision, a duplicate id) wrote nothing: it is answered at
    // once, so a command that lost a race retries against the newest state instead of an fsync
    // later, when more commits have passed it (on a hot stream it kept losing).
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) batch[i]!.reject(outcome.error);
    });
    // The others wait for the fsync that covers this commit: acknowledged = durable, and nothing
    // is announced that a reader could not yet see.
    this.unsynced.push({ batch, outcomes, head: this.writer.head });
    // SQLite's own fsync failed in this commit (a checkpoint's): the same stop as after the WAL's.
    if (this.storage.stopped) return this.stopAfterFailedFsync(this.storage.stopped);
    this.walSync.request();
  }

  /** An fsync returned: answer the batches it covered and show readers what it made durable. */
  private synced(outcome: SyncOutcome): void {
    if (!outcome.ok) return this.stopAfterFailedFsync(outcome.error);
    // Stopped by a failed fsync of SQLite's own: what this fsync covered was refused, never shown.
    if (this.storage.stopped) return;
    const covered = (entry: CommittedBatch) => (entry.head ?? 0n) <= (outcome.head ?? 0n);
    const done = this.unsynced.filter(covered);
    this.unsynced = this.unsynced.filter((entry) => !covered(entry));
    if (outcome.head !== undefined && (this.durableHead === undefined || outcome.head > this.durableHead)) this.durableHead = outcome.head;
    for (const { batch, outcomes } of done) outcomes.forEach((result, i) => result.ok && batch[i]!.resolve(result.result));
    this.commits.notify();
  }

  /**
   * What PostgreSQL does since "fsyncgate": on Linux a failed fsync may have dropped the dirty
   * pages it was to write (marking them clean), so no later fsync can prove that the commits
   * waiting now, or any made after, reach the disk. Every append waiting for an fsync is refused
   * (an unknown outcome, like a timeout: retried with the same event ids after the restart, it is
   * answered idempotently or appended then), and so is every later one, until the service restarts
   * and reads the log again from the disk. The durable head stays where the last good fsync left
   * it, so subscribers never see what may be lost; what was acknowledged was fsynced before.
   */
  private stopAfterFailedFsync(cause: unknown): void {
    const refused = this.storage.stop(fsyncFailure(cause));
    for (const { batch, outcomes } of this.unsynced) outcomes.forEach((result, i) => result.ok && batch[i]!.reject(refused));
    this.unsynced = [];
    for (const append of this.queue.splice(0)) append.reject(refused);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.checkOpen();
    const limit = checkMaxCount(options.maxCount);
    const from = options.fromRevision;
    if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) throw new RangeError(`fromRevision must be a revision, got ${from}`);
    const rows =
      options.direction === 'backwards'
        ? this.streamBackwards.all(streamId, from ?? Number.MAX_SAFE_INTEGER, limit)
        : this.streamForwards.all(streamId, from ?? 0, limit);
    // A stream read sees commits whose fsync is still running, so a command decides on the newest
    // state: its own append is answered only after an fsync, which covers everything it read.
    // (Waiting for durability here made commands on a hot stream lose every race against the
    // commits made during the wait.) $all reads and subscriptions see only what is durable.
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    // Like a stream read, a read of $all sees every commit (a caller that saw an event in its
    // stream finds it here too); subscriptions, which act on what they read, see only what is durable.
    return this.allReader(options.filter, () => this.writer.head)(options.after ?? 0n, checkMaxCount(options.maxCount));
  }

  async headPosition(): Promise<Position | undefined> {
    return this.durableHead;
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionMessage> {
    const readPage = this.allReader(options.filter, () => this.durableHead);
    return catchUp(
      { readPage, head: () => this.durableHead, isOpen: () => this.db.open, commits: this.commits },
      options.after,
      options.signal,
    );
  }

  /**
   * A consistent copy of the log into `destination` (a new file), through SQLite's online backup
   * API on this very connection: appends go on meanwhile, and those made during the copy are
   * carried into it. Every append acknowledged before the call is in the copy (`coversPosition`).
   */
  async backup(destination: string): Promise<{ coversPosition: Position | undefined; bytes: number }> {
    this.checkOpen();
    const coversPosition = this.durableHead;
    try {
      await this.db.backup(destination);
    } catch (error) {
      throw isStorageFault(error) ? new StorageFaultError('backup', error) : error;
    }
    return { coversPosition, bytes: statSync(destination).size };
  }

  /** Waits for queued appends to be written, ends subscriptions, closes the file. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    while (this.queue.length > 0) this.flush();
    this.walSync.closeSync();
    this.db.close();
    this.commits.notify(); // waiting subscriptions see the store closed and end
  }

  private checkOpen(): void {
    if (!this.db.open) throw new StoreClosedError();
  }

  private allReader(filter: ReadAllOptions['filter'], upTo: () => Position | undefined): (after: Position, maxCount: number) => RecordedEvent[] {
    this.checkOpen();
    const { shape, where, params } = filterSql(filter);
    let statement = this.allStatements.get(shape);
    if (!statement) {
      statement = this.db
        .prepare<unknown[], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND position <= ?${where} ORDER BY position LIMIT +?`)
        .raw(true);
      this.allStatements.set(shape, statement);
    }
    const query = statement;
    return (after, maxCount) => query.all(after, upTo() ?? 0n, ...params, maxCount).map(toRecordedEvent);
  }
}
