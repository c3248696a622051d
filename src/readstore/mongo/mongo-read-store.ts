// The ReadStore port on MongoDB (a replica set: commits are multi-document transactions).
// A commit reads the stored `_position` of every document it touches (one find per collection),
// judges each write against it (and against the writes before it in the batch), then writes the
// survivors with one bulkWrite per collection and the subscriber's checkpoint, all in one
// transaction: a batch costs 2 round trips per collection it touches plus 2 (checkpoint, commit),
// whatever its size. Two commits racing on a document meet as a write conflict
// (TransientTransactionError: withTransaction runs the commit again, reading afresh) or, outside
// the transaction's snapshot, a duplicate _id (E11000); the commit is then run again, when the
// document exists and the guard judges it as an update.
// Concerns: majority writes and majority reads (snapshot inside commits). A checkpoint and the
// documents it covers are acknowledged only once a majority holds them, so a failover never
// rolls back a checkpoint past documents that are gone, nor serves a read a new primary lost.
// A driver error that means "no server to talk to" (selection timeout, network, a stepped-down
// primary after the driver's one retry) becomes MongoUnavailableError: HTTP answers 503, the
// subscription runner backs off; the driver reconnects by itself when the server is back.
import {
  Long,
  MongoError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type AnyBulkWriteOperation,
  type ClientSession,
  type Db,
  type Document,
  type MongoClient,
  type Sort,
} from 'mongodb';
import { StoreUnavailableError } from '../../eventstore/event-store.errors.js';
import { connectMongo } from '../../mongo/mongo-connection.js';
import type { Position } from '../../eventstore/event-store.port.js';
import { assertNoScriptOperators } from '../query-guard.js';
import { checkFence, fencedCheckpoint } from './lease-fence.js';
import { UniqueIndexViolationError, WriteRejectedError } from '../read-store.errors.js';
import type {
  CollectionSpec,
  DocumentWrite,
  FindOptions,
  IndexSpec,
  ParkedEvent,
  ParkedEventRecord,
  ParkedResolution,
  ProjectionBatch,
  Query,
  ReadDocument,
  ReadStore,
} from '../read-store.port.js';

const CHECKPOINTS = '_checkpoints';
const PARKED = '_parked';
/** A parked event as kept: the position as a decimal string (and, for sorting, `order`, never read back). */
type StoredParkedEvent = Omit<ParkedEventRecord, 'position'> & { position: string };
const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;
const INDEX_CONFLICTS = new Set([85, 86]); // IndexOptionsConflict, IndexKeySpecsConflict
/** Runs of a commit that keeps meeting a racing writer on the same new document. */
const RACE_ATTEMPTS = 5;

/** MongoDB cannot be reached (or has no writable primary): the request may be retried. */
export class MongoUnavailableError extends StoreUnavailableError {
  override readonly code = 'read_store_unavailable';
  constructor(cause: unknown) {
    super(`MongoDB is unavailable: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'MongoUnavailableError';
  }
}

/** The driver's errors that mean no server answered, as opposed to one refusing the request. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoTopologyClosedError) return true;
  return error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('TransientTransactionError'));
}

/** Runs a driver call, turning "no server answered" into MongoUnavailableError. */
export async function answering<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isUnavailable(error) ? new MongoUnavailableError(error) : error;
  }
}

export interface MongoReadStoreOptions {
  /** How long an operation waits for a reachable primary before failing. */
  serverSelectionTimeoutMs?: number;
}

/** Refuses field names MongoDB would read as operators, wherever they come from. */
export function assertPlainFieldNames(value: unknown, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertPlainFieldNames(item, `${path}[${index}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, nested] of Object.entries(value)) {
      if (key.startsWith('$') || key.includes('\0')) {
        throw new WriteRejectedError(`Field name ${JSON.stringify(key)} at ${path || 'the top level'} is not allowed in a read model`);
      }
      assertPlainFieldNames(nested, path ? `${path}.${key}` : key);
    }
  }
}

/** The document as JSON would hold it: what the embedded store keeps, so both answer alike. */
function normalized(doc: ReadDocument): ReadDocument {
  if (typeof doc._id !== 'string' || doc._id === '') throw new WriteRejectedError('A document needs a non-empty string _id');
  if (!Number.isSafeInteger(doc._position) || doc._position < 0) {
    throw new WriteRejectedError(`Document ${doc._id}: _position must be a non-negative safe integer`);
  }
  let plain: ReadDocument;
  try {
    plain = JSON.parse(JSON.stringify(doc)) as ReadDocument;
  } catch (error) {
    throw new WriteRejectedError(`Document ${doc._id} cannot be stored as JSON: ${(error as Error).message}`);
  }
  assertPlainFieldNames(plain);
  return plain;
}

const indexName = (index: IndexSpec): string =>
  `${Object.entries(index.fields)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_')}${index.unique ? '_unique' : ''}`;

export class MongoReadStore implements ReadStore {
  private readonly db: Db;

  constructor(
    private readonly client: MongoClient,
    databaseName?: string,
  ) {
    this.db = client.db(databaseName);
  }

  /** `url` is a mongodb:// connection string; its path names the database (default "orderstream"). */
  static connect(url: string, options: MongoReadStoreOptions = {}): MongoReadStore {
    const { client, database } = connectMongo(url, { appName: 'orderstream-read-store', majority: true, serverSelectionTimeoutMs: options.serverSelectionTimeoutMs });
    return new MongoReadStore(client, database);
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const collection = this.db.collection(spec.name);
    const existing = await this.db.listCollections({ name: spec.name }, { nameOnly: true }).toArray();
    if (existing.length === 0) {
      try {
        await this.db.createCollection(spec.name);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.codeName === 'NamespaceExists')) throw error;
      }
    }
    for (const index of spec.indexes ?? []) {
      assertPlainFieldNames(index.fields);
      const options = { name: indexName(index), unique: index.unique ?? false };
      try {
        await collection.createIndex(index.fields, options);
      } catch (error) {
        // Same name, other definition: the projection changed it; build it again.
        if (!(error instanceof MongoServerError && INDEX_CONFLICTS.has(Number(error.code)))) throw error;
        await collection.dropIndex(options.name);
        await collection.createIndex(index.fields, options);
      }
    }
  }

  async dropCollection(name: string): Promise<void> {
    try {
      await this.db.collection(name).drop();
    } catch (error) {
      if (!(error instanceof MongoServerError && Number(error.code) === NAMESPACE_NOT_FOUND)) throw error;
    }
  }

  async findById<T extends ReadDocument>(collection: string, id: string): Promise<T | null> {
    return answering(async () => (await this.db.collection<ReadDocument>(collection).findOne({ _id: id })) as T | null);
  }

  async findByIds<T extends ReadDocument>(collection: string, ids: string[]): Promise<Map<string, T>> {
    const docs = await answering(() => this.db.collection<ReadDocument>(collection).find({ _id: { $in: ids } }).toArray());
    return new Map(docs.map((doc) => [doc._id, doc as T]));
  }

  async find<T extends ReadDocument>(collection: string, query: Query, options: FindOptions = {}): Promise<T[]> {
    assertNoScriptOperators(query);
    if (options.sort) assertPlainFieldNames(options.sort);
    if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) {
      throw new RangeError(`limit must be a non-negative integer, got ${options.limit}`);
    }
    const cursor = this.db.collection<ReadDocument>(collection).find(query as Document, {
      ...(options.sort ? { sort: options.sort as Sort } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    return (await answering(() => cursor.toArray())) as T[];
  }

  async count(collection: string, query: Query): Promise<number> {
    assertNoScriptOperators(query);
    return answering(() => this.db.collection(collection).countDocuments(query as Document));
  }

  async commit(batch: ProjectionBatch): Promise<void> {
    const writes = batch.writes.map((write) => (write.op === 'upsert' ? { ...write, doc: normalized(write.doc) } : write));
    for (let attempt = 1; ; attempt += 1) {
      const session = this.client.startSession();
      try {
        await session.withTransaction((s) => this.applyCommit(s, writes, batch), {
          readConcern: { level: 'snapshot' },
          writeConcern: { w: 'majority' },
        });
        return;
      } catch (error) {
        const racedOnId = error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY && isIdKey(error);
        if (racedOnId && attempt < RACE_ATTEMPTS) continue;
        throw translate(error, writes);
      } finally {
        await session.endSession();
      }
    }
  }

  private async applyCommit(session: ClientSession, writes: readonly DocumentWrite[], batch: ProjectionBatch): Promise<void> {
    await checkFence(this.db, session, batch);
    // What each touched document holds now, read inside the transaction's snapshot.
    const stored = new Map<string, Map<string, number | null>>();
    const idsByCollection = new Map<string, Set<string>>();
    for (const write of writes) {
      const ids = idsByCollection.get(write.collection) ?? new Set<string>();
      ids.add(write.op === 'upsert' ? write.doc._id : write.id);
      idsByCollection.set(write.collection, ids);
    }
    for (const [name, ids] of idsByCollection) {
      const found = await this.db
        .collection<ReadDocument>(name)
        .find({ _id: { $in: [...ids] } }, { session, projection: { _position: 1 } })
        .toArray();
      const positions = new Map<string, number | null>([...ids].map((id) => [id, null]));
      for (const doc of found) positions.set(doc._id, doc._position);
      stored.set(name, positions);
    }
    // Judge each write against the state the earlier writes of the batch leave.
    const staged = new Map<string, Map<string, ReadDocument | null>>();
    for (const write of writes) {
      const id = write.op === 'upsert' ? write.doc._id : write.id;
      const changes = staged.get(write.collection) ?? new Map<string, ReadDocument | null>();
      staged.set(write.collection, changes);
      const current = changes.has(id) ? (changes.get(id)?._position ?? null) : stored.get(write.collection)!.get(id)!;
      if (write.op === 'upsert') {
        if (current === null || current < write.doc._position) changes.set(id, write.doc);
      } else if (current !== null && current < write.position) {
        changes.set(id, null);
      }
    }
    for (const [name, changes] of staged) {
      // Deletes first, so a key a deleted document frees is free for the upserts.
      const operations: AnyBulkWriteOperation<ReadDocument>[] = [];
      for (const [id, doc] of changes) if (doc === null) operations.push({ deleteOne: { filter: { _id: id } } });
      for (const [id, doc] of changes) if (doc !== null) operations.push({ replaceOne: { filter: { _id: id }, replacement: doc, upsert: true } });
      if (operations.length > 0) await this.db.collection<ReadDocument>(name).bulkWrite(operations, { session, ordered: true });
    }
    await this.db
      .collection<{ _id: string; position: string }>(CHECKPOINTS)
      .replaceOne({ _id: batch.subscriber }, { position: await fencedCheckpoint(this.db, session, batch, CHECKPOINTS) }, { session, upsert: true });
  }

  async getCheckpoint(subscriber: string): Promise<Position | undefined> {
    const doc = await answering(() => this.db.collection<{ _id: string; position: string }>(CHECKPOINTS).findOne({ _id: subscriber }));
    return doc ? BigInt(doc.position) : undefined;
  }

  async resetCheckpoint(subscriber: string): Promise<void> {
    await this.db.collection<{ _id: string }>(CHECKPOINTS).deleteOne({ _id: subscriber });
  }

  async park(event: ParkedEvent): Promise<void> {
    const { position, ...rest } = event;
    // $set, not a replacement: parking the same event again keeps a resolution it already has.
    await this.db.collection<{ _id: string } & Document>(PARKED).updateOne(
      { _id: parkedId(event.subscriber, position) },
      { $set: { ...rest, position: position.toString(), order: Long.fromBigInt(position) } },
      { upsert: true },
    );
  }

  async listParked(subscriber?: string): Promise<ParkedEvent[]> {
    const unresolved = { resolution: { $exists: false } };
    const docs = await answering(() =>
      this.db
        .collection<StoredParkedEvent>(PARKED)
        .find(subscriber === undefined ? unresolved : { subscriber, ...unresolved }, { sort: { subscriber: 1, order: 1 }, projection: { _id: 0, order: 0 } })
        .toArray(),
    );
    return docs.map((doc) => ({ ...doc, position: BigInt(doc.position) }));
  }

  async findParked(subscriber: string, position: Position): Promise<ParkedEventRecord | null> {
    const doc = await answering(() =>
      this.db.collection<{ _id: string } & StoredParkedEvent>(PARKED).findOne({ _id: parkedId(subscriber, position) }, { projection: { _id: 0, order: 0 } }),
    );
    if (doc === null) return null;
    const { _id, ...stored } = doc;
    return { ...stored, position: BigInt(stored.position) };
  }

  async resolveParked(subscriber: string, position: Position, resolution: ParkedResolution): Promise<boolean> {
    const result = await answering(() =>
      this.db.collection<{ _id: string } & Document>(PARKED).updateOne({ _id: parkedId(subscriber, position), resolution: { $exists: false } }, { $set: { resolution } }),
    );
    return result.modifiedCount === 1;
  }

  /** For /health: a round trip to the primary. */
  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function parkedId(subscriber: string, position: Position): string {
  return `${subscriber}\u0000${position}`;
}

/** The server's duplicate-key report: on the error itself, or on a bulk write's first write error. */
function duplicateKeyReport(error: MongoServerError): { message: string; keyPattern?: Document; keyValue?: Document } {
  const first = (error as { writeErrors?: Array<{ err?: Document }> }).writeErrors?.[0]?.err;
  if (first) return { message: String(first.errmsg ?? error.message), keyPattern: first.keyPattern as Document | undefined, keyValue: first.keyValue as Document | undefined };
  return { message: error.message, keyPattern: error.keyPattern as Document | undefined, keyValue: error.keyValue as Document | undefined };
}

function isIdKey(error: MongoServerError): boolean {
  const { keyPattern, message } = duplicateKeyReport(error);
  return keyPattern ? Object.keys(keyPattern).length === 1 && '_id' in keyPattern : /index: _id_ /.test(message);
}

/** A duplicate key in a secondary unique index: the write can never succeed as it is. No server: unavailable. */
function translate(error: unknown, writes: readonly DocumentWrite[]): unknown {
  if (isUnavailable(error)) return new MongoUnavailableError(error);
  if (!(error instanceof MongoServerError) || Number(error.code) !== DUPLICATE_KEY || isIdKey(error)) return error;
  const { message, keyValue } = duplicateKeyReport(error);
  const index = /index: (\S+)/.exec(message)?.[1] ?? 'unknown';
  const collection = /collection: \S+?\.(\S+)/.exec(message)?.[1] ?? writes[0]?.collection ?? 'unknown';
  const culprit = writes.find(
    (write) =>
      write.op === 'upsert' &&
      write.collection === collection &&
      keyValue !== undefined &&
      Object.entries(keyValue).every(([field, value]) => JSON.stringify(write.doc[field]) === JSON.stringify(value)),
  );
  const documentId = culprit?.op === 'upsert' ? culprit.doc._id : 'unknown';
  return new UniqueIndexViolationError(collection, index, documentId);
}
