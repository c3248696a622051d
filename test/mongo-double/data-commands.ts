// TEST DOUBLE of MongoDB, part 3: the database commands on collections and documents (not MongoDB;
// see mongo-double.ts). Queries, projections, sorts, update operators and aggregation pipelines
// are evaluated by mingo, the same engine as the service's embedded read store, so the query
// language the double accepts is the subset both engines run. Replies have the server's shapes
// (cursor documents with firstBatch/nextBatch and an int64 id, writeErrors with index, code,
// errmsg, keyPattern and keyValue, findAndModify's lastErrorObject).
import { BSON, Long, ObjectId, type Document } from 'bson';
import { Aggregator, Query, update as applyOperators } from 'mingo';
import { CommandError, duplicateKeyError, indexKeyOf, keyString, valueAt, type Collection, type IndexDefinition, type StorageEngine, type Transaction } from './storage.js';

export interface CommandScope {
  engine: StorageEngine;
  db: string;
  inTransaction: boolean;
  cursors: CursorRegistry;
  /** What a read sees: the open transaction's snapshot, or what is committed now. */
  reader(): Transaction;
  /** One write statement: inside the transaction, or atomically on its own. */
  statement<T>(run: (txn: Transaction) => T): Promise<T>;
}

type Handler = (command: Document, scope: CommandScope) => Promise<Document> | Document;

/** The server's default size of a first batch. */
const DEFAULT_FIRST_BATCH = 101;
const IDLE_CURSOR_MS = 10 * 60_000;
const SUPPORTED_MODIFIERS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$currentDate', '$bit', '$setOnInsert']);

export class CursorRegistry {
  private nextId = 1n;
  private readonly open = new Map<bigint, { ns: string; docs: Document[]; at: number; usedAt: number }>();

  first(ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Document {
    this.forgetIdle();
    const size = batchSize === undefined ? DEFAULT_FIRST_BATCH : Number(batchSize);
    const firstBatch = docs.slice(0, size);
    if (singleBatch || docs.length <= size) return { cursor: { firstBatch, id: Long.ZERO, ns }, ok: 1 };
    const id = this.nextId++;
    this.open.set(id, { ns, docs, at: size, usedAt: Date.now() });
    return { cursor: { firstBatch, id: Long.fromBigInt(id), ns }, ok: 1 };
  }

  more(id: bigint, ns: string, batchSize: unknown): Document {
    const cursor = this.open.get(id);
    if (!cursor || cursor.ns !== ns) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
    const end = batchSize === undefined || Number(batchSize) === 0 ? cursor.docs.length : cursor.at + Number(batchSize);
    const nextBatch = cursor.docs.slice(cursor.at, end);
    cursor.at = Math.min(end, cursor.docs.length);
    cursor.usedAt = Date.now();
    const exhausted = cursor.at >= cursor.docs.length;
    if (exhausted) this.open.delete(id);
    return { cursor: { nextBatch, id: exhausted ? Long.ZERO : Long.fromBigInt(id), ns }, ok: 1 };
  }

  kill(ids: bigint[]): Document {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(Long.fromBigInt(id));
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  get size(): number {
    return this.open.size;
  }

  private forgetIdle(): void {
    const now = Date.now();
    for (const [id, cursor] of this.open) if (now - cursor.usedAt > IDLE_CURSOR_MS) this.open.delete(id);
  }
}

const toBigInt = (value: unknown): bigint => (value instanceof Long ? value.toBigInt() : BigInt(Number(value)));
const clone = (doc: Document): Document => BSON.deserialize(BSON.serialize(doc));
const sameDocument = (a: Document, b: Document) => Buffer.from(BSON.serialize(a)).equals(Buffer.from(BSON.serialize(b)));
const collectionName = (command: Document, field: string): string => {
  const name = command[field];
  if (typeof name !== 'string') throw new CommandError(73, 'InvalidNamespace', `collection name has invalid type ${typeof name}`);
  return name;
};

/** mingo's refusals (an unknown operator, a malformed expression) are the server's BadValue. */
function evaluated<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(2, 'BadValue', (error as Error).message);
  }
}

function query(docs: Document[], filter: Document | undefined, options: { sort?: Document; skip?: number; limit?: number; projection?: Document } = {}): Document[] {
  return evaluated(() => {
    let cursor = new Query(filter ?? {}).find<Document>(docs, options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
    return cursor.all();
  });
}

function withId(doc: Document): Document {
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc;
}

function assertStorable(doc: Document): void {
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) throw new CommandError(2, 'BadValue', `Document can't have $ prefixed field names: ${key}`);
  }
}

const isOperatorUpdate = (update: Document) => Object.keys(update).length > 0 && Object.keys(update).every((key) => key.startsWith('$'));

/** The fields an upsert's new document starts with: the query's equality conditions. */
function equalityFields(filter: Document): Document {
  const fields: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) Object.assign(fields, ...value.map((part: Document) => equalityFields(part)));
    else if (key.startsWith('$')) continue;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) fields[key] = value.$eq;
    } else fields[key] = value;
  }
  return fields;
}

function immutableId(): CommandError {
  return new CommandError(66, 'ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
}

/** The document after `update`; `inserting` applies $setOnInsert (an upsert creating the document). */
function updated(current: Document, update: Document | Document[], arrayFilters: Document[] | undefined, inserting: boolean): Document {
  let next: Document;
  if (Array.isArray(update)) {
    next = evaluated(() => new Aggregator(update).run([clone(current)])[0] as Document);
  } else if (isOperatorUpdate(update)) {
    const operators: Document = { ...update };
    for (const name of Object.keys(operators)) {
      if (!SUPPORTED_MODIFIERS.has(name)) throw new CommandError(9, 'FailedToParse', `Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    const onInsert = operators.$setOnInsert as Document | undefined;
    delete operators.$setOnInsert;
    if (inserting && onInsert) operators.$set = { ...(operators.$set as Document | undefined), ...onInsert };
    next = clone(current);
    if (Object.keys(operators).length > 0) evaluated(() => applyOperators(next, operators, arrayFilters, undefined, { cloneMode: 'deep' }));
  } else {
    assertStorable(update);
    const { _id: replacementId, ...rest } = update;
    if (!inserting && replacementId !== undefined && keyString(replacementId) !== keyString(current._id)) throw immutableId();
    next = { _id: current._id ?? replacementId, ...rest };
    if (next._id === undefined) delete next._id;
  }
  if (!inserting && keyString(next._id) !== keyString(current._id)) throw immutableId();
  return next;
}

function upsertedDocument(filter: Document, update: Document | Document[], arrayFilters: Document[] | undefined): Document {
  const seed: Document = {};
  for (const [path, value] of Object.entries(equalityFields(filter))) {
    const parts = path.split('.');
    let at = seed;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Document;
    at[parts[parts.length - 1]!] = value;
  }
  return withId(updated(seed, update, arrayFilters, true));
}

function insertInto(txn: Transaction, collection: Collection, doc: Document): void {
  const key = keyString(doc._id);
  if (txn.read(collection.db, collection.name, key)) throw duplicateKeyError(collection, collection.indexes[0]!, doc);
  txn.write(collection, key, doc);
}

/** A statement's error as a writeErrors entry; a WriteConflict (or anything not a CommandError) fails the whole command. */
function asWriteError(error: unknown, index: number): Document {
  if (!(error instanceof CommandError) || error.code === 112) throw error;
  return { index, code: error.code, codeName: error.codeName, errmsg: error.message, ...error.extra };
}

async function eachStatement<T>(
  statements: T[],
  ordered: boolean,
  scope: CommandScope,
  run: (statement: T, index: number) => Promise<void>,
): Promise<Document[]> {
  const writeErrors: Document[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      await run(statement, index);
    } catch (error) {
      writeErrors.push(asWriteError(error, index));
      // In a transaction the first write error ends the batch, ordered or not (the server aborts it).
      if (ordered || scope.inTransaction) break;
    }
  }
  return writeErrors;
}

function indexSpecsEqual(a: Document, b: Document): boolean {
  return keyString(Object.entries(a)) === keyString(Object.entries(b));
}

function listing(ns: string, docs: Document[], command: Document, scope: CommandScope): Document {
  const cursor = (command.cursor ?? {}) as Document;
  return scope.cursors.first(ns, docs, cursor.batchSize);
}

export const DATA_COMMANDS: Record<string, Handler> = {
  find(command, scope) {
    const name = collectionName(command, 'find');
    const docs = query(scope.reader().scan(scope.db, name), command.filter as Document | undefined, {
      sort: command.sort as Document | undefined,
      skip: command.skip === undefined ? undefined : Number(command.skip),
      limit: command.limit === undefined ? undefined : Number(command.limit),
      projection: command.projection as Document | undefined,
    });
    const single = command.singleBatch === true || (command.limit !== undefined && Number(command.limit) < 0);
    return scope.cursors.first(`${scope.db}.${name}`, docs, command.batchSize, single);
  },

  getMore(command, scope) {
    return scope.cursors.more(toBigInt(command.getMore), `${scope.db}.${collectionName(command, 'collection')}`, command.batchSize);
  },

  killCursors(command, scope) {
    return scope.cursors.kill(((command.cursors ?? []) as unknown[]).map(toBigInt));
  },

  count(command, scope) {
    const name = collectionName(command, 'count');
    const docs = query(scope.reader().scan(scope.db, name), command.query as Document | undefined, {
      skip: command.skip === undefined ? undefined : Number(command.skip),
      limit: command.limit === undefined ? undefined : Number(command.limit),
    });
    return { n: docs.length, ok: 1 };
  },

  distinct(command, scope) {
    const name = collectionName(command, 'distinct');
    const docs = query(scope.reader().scan(scope.db, name), command.query as Document | undefined);
    const values = new Map<string, unknown>();
    for (const doc of docs) {
      const value = valueAt(doc, String(command.key));
      for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) values.set(keyString(item), item);
    }
    return { values: [...values.values()], ok: 1 };
  },

  aggregate(command, scope) {
    const name = collectionName(command, 'aggregate');
    const pipeline = (command.pipeline ?? []) as Document[];
    const writing = pipeline.find((stage) => '$out' in stage || '$merge' in stage);
    if (writing) throw new CommandError(115, 'CommandNotSupported', `the test double does not run ${Object.keys(writing)[0]}`);
    const docs = evaluated(() => new Aggregator(pipeline).run(scope.reader().scan(scope.db, name)) as Document[]);
    return listing(`${scope.db}.${name}`, docs, command, scope);
  },

  async insert(command, scope) {
    const { collection } = scope.engine.ensureCollection(scope.db, collectionName(command, 'insert'));
    let n = 0;
    const writeErrors = await eachStatement((command.documents ?? []) as Document[], command.ordered !== false, scope, async (doc) => {
      assertStorable(doc);
      await scope.statement((txn) => insertInto(txn, collection, withId(doc)));
      n += 1;
    });
    return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },

  async update(command, scope) {
    const { collection } = scope.engine.ensureCollection(scope.db, collectionName(command, 'update'));
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors = await eachStatement((command.updates ?? []) as Document[], command.ordered !== false, scope, async (statement, index) => {
      const filter = (statement.q ?? {}) as Document;
      const change = statement.u as Document | Document[];
      const arrayFilters = statement.arrayFilters as Document[] | undefined;
      // Counted from what the statement returns: a statement that waited runs again from the start.
      const result = await scope.statement((txn) => {
        const matches = query(txn.scan(collection.db, collection.name), filter);
        const targets = statement.multi === true ? matches : matches.slice(0, 1);
        if (targets.length === 0 && statement.upsert === true) {
          const created = upsertedDocument(filter, change, arrayFilters);
          insertInto(txn, collection, created);
          return { matched: 1, modified: 0, upsertedId: created._id as unknown };
        }
        let modified = 0;
        for (const target of targets) {
          const next = updated(target, change, arrayFilters, false);
          if (sameDocument(target, next)) continue;
          txn.write(collection, keyString(target._id), next);
          modified += 1;
        }
        return { matched: targets.length, modified, upsertedId: undefined };
      });
      n += result.matched;
      nModified += result.modified;
      if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
    });
    return { n, nModified, ...(upserted.length > 0 ? { upserted } : {}), ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },

  async delete(command, scope) {
    const { collection } = scope.engine.ensureCollection(scope.db, collectionName(command, 'delete'));
    let n = 0;
    const writeErrors = await eachStatement((command.deletes ?? []) as Document[], command.ordered !== false, scope, async (statement) => {
      n += await scope.statement((txn) => {
        const matches = query(txn.scan(collection.db, collection.name), (statement.q ?? {}) as Document);
        const targets = Number(statement.limit) === 1 ? matches.slice(0, 1) : matches;
        for (const target of targets) txn.write(collection, keyString(target._id), null);
        return targets.length;
      });
    });
    return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },

  async findAndModify(command, scope) {
    const { collection } = scope.engine.ensureCollection(scope.db, collectionName(command, 'findAndModify'));
    const filter = (command.query ?? {}) as Document;
    const fields = command.fields as Document | undefined;
    const shown = (doc: Document | null) => (doc && fields && Object.keys(fields).length > 0 ? (query([doc], {}, { projection: fields })[0] ?? null) : doc);
    return scope.statement((txn) => {
      const [target] = query(txn.scan(collection.db, collection.name), filter, { sort: command.sort as Document | undefined, limit: 1 });
      if (command.remove === true) {
        if (target) txn.write(collection, keyString(target._id), null);
        return { lastErrorObject: { n: target ? 1 : 0 }, value: shown(target ?? null), ok: 1 };
      }
      const change = command.update as Document | Document[];
      const arrayFilters = command.arrayFilters as Document[] | undefined;
      if (target) {
        const next = updated(target, change, arrayFilters, false);
        if (!sameDocument(target, next)) txn.write(collection, keyString(target._id), next);
        return { lastErrorObject: { n: 1, updatedExisting: true }, value: shown(command.new === true ? next : target), ok: 1 };
      }
      if (command.upsert === true) {
        const created = upsertedDocument(filter, change, arrayFilters);
        insertInto(txn, collection, created);
        return { lastErrorObject: { n: 1, updatedExisting: false, upserted: created._id }, value: shown(command.new === true ? created : null), ok: 1 };
      }
      return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    });
  },

  create(command, scope) {
    const name = collectionName(command, 'create');
    if (scope.engine.collection(scope.db, name)) throw new CommandError(48, 'NamespaceExists', `Collection ${scope.db}.${name} already exists.`);
    scope.engine.ensureCollection(scope.db, name);
    return { ok: 1 };
  },

  drop(command, scope) {
    const name = collectionName(command, 'drop');
    const collection = scope.engine.collection(scope.db, name);
    scope.engine.dropCollection(scope.db, name);
    // Since 7.0 dropping a collection that does not exist succeeds.
    return collection ? { nIndexesWas: collection.indexes.length, ns: collection.ns, ok: 1 } : { ok: 1 };
  },

  dropDatabase(_command, scope) {
    scope.engine.databases.delete(scope.db);
    return { ok: 1 };
  },

  listCollections(command, scope) {
    const entries = [...(scope.engine.databases.get(scope.db)?.values() ?? [])].map((collection) =>
      command.nameOnly === true
        ? { name: collection.name, type: 'collection' }
        : { name: collection.name, type: 'collection', options: {}, info: { readOnly: false }, idIndex: collection.indexes[0] },
    );
    return listing(`${scope.db}.$cmd.listCollections`, query(entries, command.filter as Document | undefined), command, scope);
  },

  listDatabases(command, scope) {
    const databases = [...scope.engine.databases.keys()].map((name) => (command.nameOnly === true ? { name } : { name, sizeOnDisk: 0, empty: false }));
    return { databases, totalSize: 0, ok: 1 };
  },

  createIndexes(command, scope) {
    const { collection, created } = scope.engine.ensureCollection(scope.db, collectionName(command, 'createIndexes'));
    const before = collection.indexes.length;
    for (const spec of (command.indexes ?? []) as Document[]) {
      const wanted: IndexDefinition = { v: 2, key: spec.key as Record<string, number>, name: String(spec.name), ...(spec.unique === true ? { unique: true } : {}) };
      const sameName = collection.indexes.find((index) => index.name === wanted.name);
      const sameKey = collection.indexes.find((index) => indexSpecsEqual(index.key, wanted.key));
      const shown = (index: IndexDefinition) => JSON.stringify(index);
      if (sameName) {
        if (!indexSpecsEqual(sameName.key, wanted.key)) {
          throw new CommandError(86, 'IndexKeySpecsConflict', `An existing index has the same name as the requested index. Requested index: ${shown(wanted)}, existing index: ${shown(sameName)}`);
        }
        if (Boolean(sameName.unique) !== Boolean(wanted.unique)) {
          throw new CommandError(85, 'IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${shown(wanted)}, existing index: ${shown(sameName)}`);
        }
        continue;
      }
      if (sameKey && Boolean(sameKey.unique) === Boolean(wanted.unique)) {
        throw new CommandError(85, 'IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
      }
      if (wanted.unique) {
        const seen = new Set<string>();
        for (const doc of scope.reader().scan(collection.db, collection.name)) {
          const key = keyString(indexKeyOf(wanted, doc));
          if (seen.has(key)) throw duplicateKeyError(collection, wanted, doc);
          seen.add(key);
        }
      }
      collection.indexes.push(wanted);
    }
    const after = collection.indexes.length;
    return { numIndexesBefore: before, numIndexesAfter: after, createdCollectionAutomatically: created, ...(before === after ? { note: 'all indexes already exist' } : {}), ok: 1 };
  },

  listIndexes(command, scope) {
    const name = collectionName(command, 'listIndexes');
    const collection = scope.engine.collection(scope.db, name);
    if (!collection) throw new CommandError(26, 'NamespaceNotFound', `ns does not exist: ${scope.db}.${name}`);
    return listing(collection.ns, collection.indexes.map((index) => ({ ...index })), command, scope);
  },

  dropIndexes(command, scope) {
    const name = collectionName(command, 'dropIndexes');
    const collection = scope.engine.collection(scope.db, name);
    if (!collection) throw new CommandError(26, 'NamespaceNotFound', `ns not found ${scope.db}.${name}`);
    const was = collection.indexes.length;
    const target = command.index;
    const names = target === '*' ? collection.indexes.slice(1).map((index) => index.name) : Array.isArray(target) ? target.map(String) : [target];
    for (const wanted of names) {
      const at = collection.indexes.findIndex((index) => (typeof wanted === 'string' ? index.name === wanted : indexSpecsEqual(index.key, wanted as Document)));
      if (at < 0) throw new CommandError(27, 'IndexNotFound', `index not found with name [${typeof wanted === 'string' ? wanted : JSON.stringify(wanted)}]`);
      if (at === 0) throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
      collection.indexes.splice(at, 1);
    }
    return { nIndexesWas: was, ok: 1 };
  },
};
