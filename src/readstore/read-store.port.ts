// The ReadStore port: documents written by projections and read by query handlers,
// plus each subscriber's durable checkpoint and parked (dead-letter) events.
// The contract suite in test/contracts/read-store.contract.ts is its executable definition.
import type { Position } from '../eventstore/event-store.port.js';

/** A read-model document. `_position` is the global position of the last event applied to it. */
export interface ReadDocument {
  _id: string;
  _position: number;
  [field: string]: unknown;
}

export interface IndexSpec {
  /** Fields in index order, 1 ascending / -1 descending. */
  fields: Record<string, 1 | -1>;
  unique?: boolean;
}

export interface CollectionSpec {
  name: string;
  /** Secondary indexes for what queries look up; _id is always indexed. */
  indexes?: IndexSpec[];
}

/** A MongoDB-style query (the subset both mingo and MongoDB run identically). */
export type Query = Record<string, unknown>;

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
}

export type DocumentWrite =
  | { op: 'upsert'; collection: string; doc: ReadDocument }
  | { op: 'delete'; collection: string; id: string; position: number };

/** One unit of projection work: guarded writes, then the subscriber's new checkpoint. */
export interface ProjectionBatch {
  subscriber: string;
  writes: DocumentWrite[];
  checkpoint: Position;
  /**
   * Several service instances: the lease the subscriber runs under (src/leases). The commit
   * applies nothing and throws FencedWriteError unless the lease still has this epoch, so a holder
   * that was paused past its lease cannot move the checkpoint back or overwrite newer documents.
   * The embedded store has one process (the data dir's file lock) and no fence to check.
   */
  fence?: WriteFence;
}

/** A lease by name and the epoch a write was made under (kept in the `_leases` collection). */
export interface WriteFence {
  lease: string;
  epoch: number;
}

export interface ParkedEvent {
  subscriber: string;
  position: Position;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
  parkedAt: string;
}

/** How an admin resolved a parked event: kept for auditors (who, when, why). */
export interface ParkedResolution {
  action: 'retried' | 'skipped';
  by: string;
  at: string;
  reason: string;
}

export type ParkedEventRecord = ParkedEvent & { resolution?: ParkedResolution };

export interface ReadStore {
  ensureCollection(spec: CollectionSpec): Promise<void>;
  dropCollection(name: string): Promise<void>;

  findById<T extends ReadDocument>(collection: string, id: string): Promise<T | null>;
  findByIds<T extends ReadDocument>(collection: string, ids: string[]): Promise<Map<string, T>>;
  /** find and count refuse (UnsafeQueryError) any query using $where, $function or $accumulator. */
  find<T extends ReadDocument>(collection: string, query: Query, options?: FindOptions): Promise<T[]>;
  count(collection: string, query: Query): Promise<number>;

  /**
   * Applies the writes and advances the checkpoint. Every write is guarded: it takes effect
   * only if the stored document is absent or has an older `_position`, so a replayed batch
   * changes nothing. The embedded adapter does all of it in one transaction.
   * A write the store refuses for its content (e.g. UniqueIndexViolationError) throws a
   * WriteRejectedError (read-store.errors.ts), and the commit applies nothing; any other error
   * means the store is unavailable.
   */
  commit(batch: ProjectionBatch): Promise<void>;
  getCheckpoint(subscriber: string): Promise<Position | undefined>;
  /** Forget a subscriber's checkpoint (e.g. before a rebuild). */
  resetCheckpoint(subscriber: string): Promise<void>;

  park(event: ParkedEvent): Promise<void>;
  /** The parked events not yet resolved. */
  listParked(subscriber?: string): Promise<ParkedEvent[]>;
  /** One parked event, resolved or not; null if it was never parked. */
  findParked(subscriber: string, position: Position): Promise<ParkedEventRecord | null>;
  /**
   * Records, durably, how a parked event was resolved; it leaves the parked list. False (and
   * nothing changes) if it was never parked or is already resolved: the first resolution stays.
   */
  resolveParked(subscriber: string, position: Position, resolution: ParkedResolution): Promise<boolean>;

  close(): Promise<void>;
}

export const READ_STORE = Symbol('ReadStore');
