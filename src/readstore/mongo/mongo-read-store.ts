// The ReadStore port on MongoDB (a replica set: commits are multi-document transactions).
// A commit reads the stored `_position` of every document it touches, judges each write against
// it (and against the writes before it in the batch), then writes the survivors and the
// subscriber's checkpoint in one transaction with majority write concern. Two commits racing
// on a new document meet as a duplicate _id (E11000) or a write conflict; the commit is then
// run again, when the document exists and the guard judges it as an update.
import {
  Long,
  MongoClient,
  MongoServerError,
  type ClientSession,
  type Db,
  type Document,
  type MongoClientOptions,
  type Sort,
} from 'mongodb';
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
  ProjectionBatch,
  Query,
  ReadDocument,
  ReadStore,
} from '../read-store.port.js';

const CHECKPOINTS = '_checkpoints';
const PARKED = '_parked';
/** A parked event as kept: the position as a decimal string (and, for sorting, `order`, never read back). */
type StoredParkedEvent = Omit<ParkedEvent, 'position'> & { position: string };
const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;
const INDEX_CONFLICTS = new Set([85, 86]); // IndexOptionsConflict, IndexKeySpecsConflict
/** Runs of a commit that keeps meeting a racing writer on the same new document. */
const RACE_ATTEMPTS = 5;

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

/** The database a connection string names (its path), "orderstream" when it names none. */
export function databaseName(url: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]*)/.exec(url)?.[1] ?? '';
  return path === '' ? 'orderstream' : decodeURIComponent(path);
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
    const clientOptions: MongoClientOptions = {
      writeConcern: { w: 'majority' },
      readConcern: { level: 'majority' },
    };
    // A timeout the connection string sets wins over the default here.
    if (!/[?&]serverSelectionTimeoutMS=/i.test(url)) clientOptions.serverSelectionTimeoutMS = options.serverSelectionTimeoutMs ?? 10_000;
    return new MongoReadStore(new MongoClient(url, clientOptions), databaseName(url));
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
    return (await this.db.collection<ReadDocument>(collection).findOne({ _id: id })) as T | null;
  }

  async findByIds<T extends ReadDocument>(collection: string, ids: string[]): Promise<Map<string, T>> {
    const docs = await this.db.collection<ReadDocument>(collection).find({ _id: { $in: ids } }).toArray();
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
    return (await cursor.toArray()) as T[];
  }

  async count(collection: string, query: Query): Promise<number> {
    assertNoScriptOperators(query);
    return this.db.collection(collection).countDocuments(query as Document);
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
      const collection = this.db.collection<ReadDocument>(name);
      // Deletes first, so a key a deleted document frees is free for the upserts.
      for (const [id, doc] of changes) if (doc === null) await collection.deleteOne({ _id: id }, { session });
      for (const [id, doc] of changes) if (doc !== null) await collection.replaceOne({ _id: id }, doc, { session, upsert: true });
    }
    await this.db
      .collection<{ _id: string; position: string }>(CHECKPOINTS)
      .replaceOne({ _id: batch.subscriber }, { position: await fencedCheckpoint(this.db, session, batch, CHECKPOINTS) }, { session, upsert: true });
  }

  async getCheckpoint(subscriber: string): Promise<Position | undefined> {
    const doc = await this.db.collection<{ _id: string; position: string }>(CHECKPOINTS).findOne({ _id: subscriber });
    return doc ? BigInt(doc.position) : undefined;
  }

  async resetCheckpoint(subscriber: string): Promise<void> {
    await this.db.collection<{ _id: string }>(CHECKPOINTS).deleteOne({ _id: subscriber });
  }

  async park(event: ParkedEvent): Promise<void> {
    const { position, ...rest } = event;
    await this.db.collection<{ _id: string } & Document>(PARKED).replaceOne(
      { _id: `${event.subscriber}\u0000${position}` },
      { ...rest, position: position.toString(), order: Long.fromBigInt(position) },
      { upsert: true },
    );
  }

  async listParked(subscriber?: string): Promise<ParkedEvent[]> {
    const docs = await this.db
      .collection<StoredParkedEvent>(PARKED)
      .find(subscriber === undefined ? {} : { subscriber }, { sort: { subscriber: 1, order: 1 }, projection: { _id: 0, order: 0 } })
      .toArray();
    return docs.map((doc) => ({ ...doc, position: BigInt(doc.position) }));
  }

  /** For /health: a round trip to the primary. */
  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function isIdKey(error: MongoServerError): boolean {
  const keyPattern = error.keyPattern as Document | undefined;
  return keyPattern ? Object.keys(keyPattern).length === 1 && '_id' in keyPattern : /index: _id_ /.test(error.message);
}

/** A duplicate key in a secondary unique index: the write can never succeed as it is. */
function translate(error: unknown, writes: readonly DocumentWrite[]): unknown {
  if (!(error instanceof MongoServerError) || Number(error.code) !== DUPLICATE_KEY || isIdKey(error)) return error;
  const index = /index: (\S+)/.exec(error.message)?.[1] ?? 'unknown';
  const collection = /collection: \S+?\.(\S+)/.exec(error.message)?.[1] ?? writes[0]?.collection ?? 'unknown';
  const keyValue = error.keyValue as Document | undefined;
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
