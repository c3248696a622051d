// The write side of the SQLite store: applies a batch of appends in one transaction (group
// commit), so that one refused append leaves the others in: an append of several events runs in
// its own savepoint; an append of one event (nearly all of them) is checked before it writes
// anything, which saves the savepoint's two statements.
import type Database from 'better-sqlite3';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type { AppendResult, ExpectedRevision, Position } from '../event-store.port.js';
import { type ChainedEvent, GENESIS_HASH, chainAppend } from '../hash-chain.js';
import type { PreparedAppend } from '../prepare-append.js';

export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** An append checked: already stored (a retry, answered as then), or linked onto its stream and ready to write. */
type Checked = { result: AppendResult } | { chained: ChainedEvent[] };

interface StreamHead {
  revision: number;
  head_hash: string;
}

interface StoredId {
  stream_id: string;
  revision: bigint;
  position: bigint;
}

/** -1 stands for "no stream", as in EventStoreDB. */
function checkExpected(streamId: string, expected: ExpectedRevision, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1) ||
    (expected === 'stream_exists' && current >= 0) ||
    expected === current;
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current < 0 ? 'no_stream' : current);
}

/** Would `expected` have let these events in at `firstRevision`? (EventStoreDB's idempotency rule.) */
function originallySucceeded(expected: ExpectedRevision, firstRevision: number): boolean {
  if (expected === 'any' || expected === 'stream_exists') return true;
  if (expected === 'no_stream') return firstRevision === 0;
  return expected === firstRevision - 1;
}

function isUniqueEventIdViolation(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.event_id');
}

export class AppendWriter {
  private readonly streamHead: Database.Statement<[string], StreamHead>;
  private readonly storedId: Database.Statement<[string], StoredId>;
  private readonly storedIdsFrom: Database.Statement<[string, number, number], { event_id: string; position: bigint }>;
  private readonly insertEvent: Database.Statement<[bigint, string, number, string, string, number, string, string, string]>;
  private readonly upsertStream: Database.Statement<[string, number, string]>;
  private readonly maxPosition: Database.Statement<[], { head: bigint | null }>;
  private readonly writeBatch: (batch: readonly PreparedAppend[], recordedAt: string) => AppendOutcome[];
  private readonly writeOne: (append: PreparedAppend, recordedAt: string) => AppendResult;
  private nextPosition: Position;
  /** Last committed position; what readers may see. */
  head: Position | undefined;

  constructor(private readonly db: Database.Database) {
    this.streamHead = db.prepare('SELECT revision, head_hash FROM streams WHERE stream_id = ?');
    this.storedId = db.prepare<[string], StoredId>('SELECT stream_id, revision, position FROM events WHERE event_id = ?').safeIntegers();
    this.storedIdsFrom = db
      .prepare<[string, number, number], { event_id: string; position: bigint }>(
        'SELECT event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT +?',
      )
      .safeIntegers();
    this.insertEvent = db.prepare(
      `INSERT INTO events (position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertStream = db.prepare(
      `INSERT INTO streams (stream_id, revision, head_hash) VALUES (?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, head_hash = excluded.head_hash`,
    );
    this.maxPosition = db.prepare<[], { head: bigint | null }>('SELECT max(position) AS head FROM events').safeIntegers();
    // A better-sqlite3 transaction function called inside another one runs as a SAVEPOINT:
    // an append that throws is rolled back alone and the batch goes on.
    this.writeOne = db.transaction((append: PreparedAppend, recordedAt: string) => this.applyOne(append, recordedAt));
    this.writeBatch = db.transaction((batch: readonly PreparedAppend[], recordedAt: string) =>
      batch.map((append): AppendOutcome => {
        if (append.events.length === 1) return this.applySingle(append, recordedAt);
        try {
          return { ok: true, result: this.writeOne(append, recordedAt) };
        } catch (error) {
          // If SQLite rolled the whole transaction back (I/O error, disk full), later appends
          // would run in autocommit mode and escape the batch: fail the batch instead.
          if (!db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
    this.head = this.maxPosition.get()!.head ?? undefined;
    this.nextPosition = (this.head ?? 0n) + 1n;
  }

  /**
   * Applies the batch in order, each append seeing the ones before it, and commits once.
   * Positions are handed out here, inside the transaction, by the only connection allowed to
   * write (see open-database.ts), so commits carry disjoint ascending position ranges and a
   * reader's snapshot always holds a gap-free prefix of the log: N+1 is never visible before N.
   * Throws only if the commit itself fails, or a write of a one-event append (the disk): then
   * nothing of the batch was written.
   */
  commit(batch: readonly PreparedAppend[]): AppendOutcome[] {
    const recordedAt = new Date().toISOString();
    try {
      const outcomes = this.writeBatch(batch, recordedAt);
      this.head = this.nextPosition > 1n ? this.nextPosition - 1n : undefined;
      return outcomes;
    } catch (error) {
      this.nextPosition = (this.maxPosition.get()!.head ?? 0n) + 1n;
      throw error;
    }
  }

  /**
   * A one-event append without a savepoint. Whatever refuses it (a wrong expected revision, its id
   * already stored, even earlier in this batch, data without canonical JSON) is found before its
   * first write, so a refusal leaves nothing behind. A write that fails after that (the disk) is
   * thrown on: the whole batch is rolled back rather than committed with half an append in it.
   */
  private applySingle(append: PreparedAppend, recordedAt: string): AppendOutcome {
    let checked: Checked;
    try {
      checked = this.check(append);
    } catch (error) {
      return { ok: false, error };
    }
    return { ok: true, result: 'result' in checked ? checked.result : this.write(append, checked, recordedAt) };
  }

  private applyOne(append: PreparedAppend, recordedAt: string): AppendResult {
    const checked = this.check(append);
    return 'result' in checked ? checked.result : this.write(append, checked, recordedAt);
  }

  /** Reads what the append needs and refuses it (throws) before anything is written; a retry of stored events is answered here. */
  private check(append: PreparedAppend): Checked {
    const { streamId, expected, events } = append;
    const stream = this.streamHead.get(streamId);
    const current = stream?.revision ?? -1;
    const first = this.storedId.get(events[0]!.eventId);
    if (first) return { result: this.retried(append, first, current) };
    checkExpected(streamId, expected, current);
    return { chained: chainAppend(append, current, stream?.head_hash ?? GENESIS_HASH) };
  }

  private write({ streamId }: PreparedAppend, { chained }: { chained: ChainedEvent[] }, recordedAt: string): AppendResult {
    let position = this.nextPosition;
    for (const { event, revision, prevHash, hash } of chained) {
      // The writer's metadata JSON is an object text: close it with the chain fields instead
      // of serialising the metadata a second time.
      const chain = `"prevHash":"${prevHash}","hash":"${hash}"}`;
      const metadataJson = event.metadataJson.length > 2 ? `${event.metadataJson.slice(0, -1)},${chain}` : `{${chain}`;
      try {
        this.insertEvent.run(position, streamId, revision, event.eventId, event.type, event.schemaVersion, event.dataJson, metadataJson, recordedAt);
      } catch (error) {
        if (isUniqueEventIdViolation(error)) throw new DuplicateEventIdError(event.eventId);
        throw error;
      }
      position += 1n;
    }
    const last = chained.at(-1)!;
    this.upsertStream.run(streamId, last.revision, last.hash);
    // Only now: a savepoint rolled back above leaves the counter where it was.
    this.nextPosition = position;
    return { nextRevision: last.revision, position: position - 1n };
  }

  /** The first event id is already stored: an idempotent retry, or an error. */
  private retried(append: PreparedAppend, first: StoredId, current: number): AppendResult {
    const { streamId, expected, events } = append;
    const firstId = events[0]!.eventId;
    if (first.stream_id !== streamId) throw new DuplicateEventIdError(firstId);
    const firstRevision = Number(first.revision);
    const stored = this.storedIdsFrom.all(streamId, firstRevision, events.length);
    const sameIds = stored.length === events.length && stored.every((row, i) => row.event_id === events[i]!.eventId);
    if (!sameIds) throw new DuplicateEventIdError(firstId);
    if (originallySucceeded(expected, firstRevision)) {
      return { nextRevision: firstRevision + events.length - 1, position: stored[stored.length - 1]!.position };
    }
    // Same events under another expectation: answer as EventStoreDB would for that expectation.
    checkExpected(streamId, expected, current);
    throw new DuplicateEventIdError(firstId);
  }
}
