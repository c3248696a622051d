// The embedded ReadStore: collections held in memory and queried in-process with mingo,
// made durable in one SQLite file (see read-models-file.ts). Every commit is written to the
// file in one transaction together with the subscriber's checkpoint and only then applied
// to memory, so after a crash the reloaded documents match the reloaded checkpoint.
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Query as MingoQuery } from 'mingo';
import type { Position } from '../../eventstore/event-store.port.js';
import { assertNoScriptOperators } from '../query-guard.js';
import { WriteRejectedError } from '../read-store.errors.js';
import type {
  CollectionSpec,
  DocumentWrite,
  FindOptions,
  ParkedEvent,
  ParkedEventRecord,
  ParkedResolution,
  ProjectionBatch,
  Query,
  ReadDocument,
  ReadStore,
} from '../read-store.port.js';
import { InMemoryCollection } from './in-memory-collection.js';
import { ReadModelsFile, type DocumentChange } from './read-models-file.js';
import type { StorageMonitor } from '../../sqlite/storage-monitor.js';
import { openDerivedFile } from '../../sqlite/damaged-file.js';

/** The read models' file in a service's DATA_DIR: the service and the CLI open the same one. */
export const READ_MODELS_DB_FILE = 'readmodels.db';

export class EmbeddedReadStore implements ReadStore {
  private readonly file: ReadModelsFile;
  private readonly collections = new Map<string, InMemoryCollection>();
  private readonly checkpoints: Map<string, Position>;
  /**
   * Checkpoints moved by batches that changed no document (a handler's batch, events a
   * projection does not read), written together at the next turn of the event loop or with the
   * next commit that has documents: one transaction instead of one per subscriber per batch.
   * A crash before that write replays those events to their subscribers, which changes nothing:
   * projections guard every document by position, handlers are idempotent by command id.
   */
  private readonly pendingCheckpoints = new Map<string, Position>();
  private pendingWrite: NodeJS.Immediate | undefined;
  private closed = false;

  /** The store of a service: `<dataDir>/readmodels.db`. */
  static inDataDir(dataDir: string): EmbeddedReadStore {
    return new EmbeddedReadStore(join(dataDir, READ_MODELS_DB_FILE));
  }

  /**
   * Opens (or creates) the file, e.g. `<DATA_DIR>/readmodels.db`, and loads it into memory. A
   * damaged file is moved aside and replaced by an empty one: every projection and subscriber then
   * starts from the beginning of the log, which rebuilds what the file held.
   */
  constructor(path: string) {
    this.file = openDerivedFile(path, (file) => this.load(file), (message) => new Logger('ReadStore').warn(message));
    this.checkpoints = this.file.loadCheckpoints();
  }

  private load(path: string): ReadModelsFile {
    const file = new ReadModelsFile(path);
    try {
      this.collections.clear();
      for (const { spec, documents } of file.loadCollections()) {
        this.collections.set(spec.name, new InMemoryCollection(spec, documents));
      }
      file.loadCheckpoints();
      return file;
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /** Whether the disk refuses the file's writes (GET /health). */
  get storage(): StorageMonitor {
    return this.file.storage;
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.assertOpen();
    const existing = this.collections.get(spec.name);
    if (existing && sameSpec(existing.spec, spec)) return;
    // Building first means a changed unique index that the stored documents break is refused
    // before anything is saved.
    const rebuilt = new InMemoryCollection(structuredClone(spec), existing?.all() ?? []);
    this.file.saveCollectionSpec(rebuilt.spec);
    this.collections.set(spec.name, rebuilt);
  }

  async dropCollection(name: string): Promise<void> {
    this.assertOpen();
    this.file.dropCollection(name);
    this.collections.delete(name);
  }

  async findById<T extends ReadDocument>(collection: string, id: string): Promise<T | null> {
    this.assertOpen();
    const doc = this.collections.get(collection)?.get(id);
    return doc ? (structuredClone(doc) as T) : null;
  }

  async findByIds<T extends ReadDocument>(collection: string, ids: string[]): Promise<Map<string, T>> {
    this.assertOpen();
    const found = new Map<string, T>();
    const source = this.collections.get(collection);
    for (const id of ids) {
      const doc = source?.get(id);
      if (doc) found.set(id, structuredClone(doc) as T);
    }
    return found;
  }

  async find<T extends ReadDocument>(collection: string, query: Query, options: FindOptions = {}): Promise<T[]> {
    this.assertOpen();
    const matcher = compile(query);
    assertNoScriptOperators(options.sort ?? {});
    if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
      throw new RangeError(`limit must be a non-negative integer, got ${options.limit}`);
    }
    const source = this.collections.get(collection);
    if (!source) return [];
    let cursor = matcher.find<ReadDocument>(source.candidates(query));
    if (options.sort) cursor = cursor.sort(options.sort);
    // As in MongoDB, a limit of 0 means no limit.
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all().map((doc) => structuredClone(doc) as T);
  }

  async count(collection: string, query: Query): Promise<number> {
    this.assertOpen();
    const matcher = compile(query);
    const source = this.collections.get(collection);
    if (!source) return 0;
    return source.candidates(query).filter((doc) => matcher.test(doc)).length;
  }

  async commit(batch: ProjectionBatch): Promise<void> {
    this.assertOpen();
    // No await from here to the end: nothing can interleave between deciding and applying.
    const staged = this.stage(batch.writes);
    for (const [name, changes] of staged) {
      const violation = this.collections.get(name)!.uniqueViolation(changes);
      if (violation) throw violation;
    }
    const changes: DocumentChange[] = [...staged].flatMap(([collection, docs]) => [...docs].map(([id, doc]) => ({ collection, id, doc })));
    if (changes.length === 0) {
      this.pendingCheckpoints.set(batch.subscriber, batch.checkpoint);
      this.pendingWrite ??= setImmediate(this.writePendingCheckpoints);
    } else {
      this.pendingCheckpoints.delete(batch.subscriber);
      const checkpoints = new Map(this.pendingCheckpoints).set(batch.subscriber, batch.checkpoint);
      this.file.commit(changes, checkpoints);
      for (const subscriber of checkpoints.keys()) this.pendingCheckpoints.delete(subscriber);
      for (const { collection, id, doc } of changes) this.collections.get(collection)!.put(id, doc);
    }
    this.checkpoints.set(batch.subscriber, batch.checkpoint);
  }

  private readonly writePendingCheckpoints = (): void => {
    this.pendingWrite = undefined;
    if (this.pendingCheckpoints.size === 0 || this.closed) return;
    const checkpoints = new Map(this.pendingCheckpoints);
    try {
      this.file.commit([], checkpoints);
    } catch (error) {
      // Left pending: the next commit writes them (the fault shows in /health meanwhile).
      new Logger('ReadStore').warn(`Checkpoints not written yet: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const [subscriber, checkpoint] of checkpoints) {
      if (this.pendingCheckpoints.get(subscriber) === checkpoint) this.pendingCheckpoints.delete(subscriber);
    }
  };

  async getCheckpoint(subscriber: string): Promise<Position | undefined> {
    this.assertOpen();
    return this.checkpoints.get(subscriber);
  }

  async resetCheckpoint(subscriber: string): Promise<void> {
    this.assertOpen();
    this.pendingCheckpoints.delete(subscriber);
    this.file.resetCheckpoint(subscriber);
    this.checkpoints.delete(subscriber);
  }

  async park(event: ParkedEvent): Promise<void> {
    this.assertOpen();
    this.file.park(event);
  }

  async listParked(subscriber?: string): Promise<ParkedEvent[]> {
    this.assertOpen();
    return this.file.listParked(subscriber);
  }

  async findParked(subscriber: string, position: Position): Promise<ParkedEventRecord | null> {
    this.assertOpen();
    return this.file.findParked(subscriber, position);
  }

  async resolveParked(subscriber: string, position: Position, resolution: ParkedResolution): Promise<boolean> {
    this.assertOpen();
    return this.file.resolveParked(subscriber, position, resolution);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pendingWrite) clearImmediate(this.pendingWrite);
    this.writePendingCheckpoints();
    this.closed = true;
    this.file.close();
  }

  /**
   * Decides which guarded writes take effect, in order, each judged against the state the
   * earlier writes of the batch leave. Returns the new state per collection and document id.
   */
  private stage(writes: readonly DocumentWrite[]): Map<string, Map<string, ReadDocument | null>> {
    const staged = new Map<string, Map<string, ReadDocument | null>>();
    for (const write of writes) {
      const collection = this.collections.get(write.collection);
      if (!collection) throw new WriteRejectedError(`Collection ${write.collection} was never ensured`);
      let changes = staged.get(write.collection);
      if (!changes) staged.set(write.collection, (changes = new Map()));
      const id = write.op === 'upsert' ? write.doc._id : write.id;
      const current = changes.has(id) ? changes.get(id) : collection.get(id);
      if (write.op === 'upsert') {
        const doc = normalized(write.doc);
        if (!current || current._position < doc._position) changes.set(id, doc);
      } else if (current && current._position < write.position) {
        changes.set(id, null);
      }
    }
    return staged;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The read store is closed');
  }
}

function compile(query: Query): MingoQuery {
  assertNoScriptOperators(query);
  // scriptEnabled defaults to true in mingo; the guard above already refused such queries.
  return new MingoQuery(query, { scriptEnabled: false });
}

/** The document as the file will hold it (JSON), so memory and disk never disagree. */
function normalized(doc: ReadDocument): ReadDocument {
  if (typeof doc._id !== 'string' || doc._id === '') throw new WriteRejectedError('A document needs a non-empty string _id');
  if (!Number.isSafeInteger(doc._position) || doc._position < 0) {
    throw new WriteRejectedError(`Document ${doc._id}: _position must be a non-negative safe integer`);
  }
  try {
    return JSON.parse(JSON.stringify(doc)) as ReadDocument;
  } catch (error) {
    throw new WriteRejectedError(`Document ${doc._id} cannot be stored as JSON: ${(error as Error).message}`);
  }
}

function sameSpec(a: CollectionSpec, b: CollectionSpec): boolean {
  return JSON.stringify(a.indexes ?? []) === JSON.stringify(b.indexes ?? []);
}
