// TEST DOUBLE of MongoDB, part 2: the in-memory storage engine (not MongoDB; see mongo-double.ts).
// It keeps what WiredTiger's behaviour shows a client, nothing more:
// - snapshot isolation: each document keeps its committed versions, stamped with a commit
//   counter; a transaction reads the versions current at its start plus its own writes, so its
//   writes stay invisible to everyone else until it commits, and all of them appear at once;
// - first writer wins: a transaction writing a document (or a unique index key) that another
//   open transaction has written, or that someone committed after its snapshot, fails with
//   WriteConflict (112, labelled TransientTransactionError) and is aborted, as the server does;
// - a write outside a transaction that meets a document an open transaction holds waits until
//   that transaction ends (the server retries such a write internally), then runs;
// - unique indexes are checked against what the writer sees, and a unique key written by an open
//   transaction is locked like a document, so two racing inserts of one key meet as WriteConflict
//   and, once the first commits, the retry meets DuplicateKey (E11000).
// Not modelled: the catalogue (collections, indexes) is not transactional; multikey, sparse,
// partial, TTL and collation options of indexes; storage limits; the oplog and majority commit
// point (one node: committed is majority-committed).
import { EJSON, type Document } from 'bson';

export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
    readonly errorLabels: string[] = [],
  ) {
    super(message);
  }
}

/** A write outside a transaction met a document an open transaction holds: wait for it, then retry. */
export class BlockedByTransaction extends Error {
  constructor(readonly holder: Transaction) {
    super('blocked by an open transaction');
  }
}

export interface IndexDefinition {
  v: 2;
  key: Record<string, number>;
  name: string;
  unique?: boolean;
}

interface Version {
  ts: number;
  doc: Document | null;
}

export class Collection {
  /** idKey -> committed versions, oldest first. */
  readonly records = new Map<string, Version[]>();
  readonly indexes: IndexDefinition[] = [{ v: 2, key: { _id: 1 }, name: '_id_' }];

  constructor(
    readonly db: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }
}

/** One canonical string per BSON value, type included, so equal _ids and keys meet in a Map. */
export const keyString = (value: unknown): string => EJSON.stringify({ v: value ?? null }, { relaxed: false });

export function valueAt(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Document)[part];
  }
  return current;
}

export const indexKeyOf = (index: IndexDefinition, doc: Document) => Object.keys(index.key).map((path) => valueAt(doc, path) ?? null);

export function duplicateKeyError(collection: Collection, index: IndexDefinition, doc: Document): CommandError {
  const fields = Object.keys(index.key);
  const values = indexKeyOf(index, doc);
  const keyValue = Object.fromEntries(fields.map((field, i) => [field, values[i]]));
  const shown = fields.map((field, i) => `${field}: ${EJSON.stringify(values[i] ?? null, { relaxed: true })}`).join(', ');
  return new CommandError(11000, 'DuplicateKey', `E11000 duplicate key error collection: ${collection.ns} index: ${index.name} dup key: { ${shown} }`, {
    keyPattern: index.key,
    keyValue,
  });
}

export const writeConflict = () =>
  new CommandError(
    112,
    'WriteConflict',
    'Caused by :: Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    {},
    ['TransientTransactionError'],
  );

export class Transaction {
  /** ns -> idKey -> the document as this transaction left it (null: deleted). */
  readonly writes = new Map<string, Map<string, Document | null>>();
  readonly locked = new Set<string>();
  state: 'active' | 'committed' | 'aborted' = 'active';
  readonly finished: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly engine: StorageEngine,
    readonly snapshot: number,
    /** A single statement outside any transaction: it waits on a held document instead of failing. */
    readonly implicit: boolean,
  ) {
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  read(db: string, name: string, key: string): Document | null {
    const own = this.writes.get(`${db}.${name}`);
    if (own?.has(key)) return own.get(key)!;
    const versions = this.engine.collection(db, name)?.records.get(key);
    return versions ? visibleAt(versions, this.snapshot) : null;
  }

  /** Every document this transaction sees, in insertion order. */
  scan(db: string, name: string): Document[] {
    const own = this.writes.get(`${db}.${name}`);
    const docs: Document[] = [];
    for (const [key, versions] of this.engine.collection(db, name)?.records ?? []) {
      const doc = own?.has(key) ? own.get(key)! : visibleAt(versions, this.snapshot);
      if (doc) docs.push(doc);
    }
    const committed = this.engine.collection(db, name)?.records;
    for (const [key, doc] of own ?? []) if (doc && !committed?.has(key)) docs.push(doc);
    return docs;
  }

  /** Writes (or deletes, doc null) one document, enforcing conflicts and unique indexes. */
  write(collection: Collection, key: string, doc: Document | null): void {
    if (this.state !== 'active') throw new Error(`the double wrote through a ${this.state} transaction`);
    const before = this.read(collection.db, collection.name, key);
    const unique = collection.indexes.filter((index) => index.unique && index.name !== '_id_');
    const resources = [`d|${collection.ns}|${key}`];
    for (const index of unique) {
      for (const side of [before, doc]) if (side) resources.push(`u|${collection.ns}|${index.name}|${keyString(indexKeyOf(index, side))}`);
    }
    for (const resource of resources) {
      const entry = this.engine.resources.get(resource);
      if (entry?.holder && entry.holder !== this) {
        if (this.implicit) throw new BlockedByTransaction(entry.holder);
        throw writeConflict();
      }
      if (entry && entry.ts > this.snapshot) throw writeConflict();
    }
    if (doc) {
      for (const index of unique) {
        const wanted = keyString(indexKeyOf(index, doc));
        const clash = this.scan(collection.db, collection.name).find(
          (other) => keyString(other._id) !== key && keyString(indexKeyOf(index, other)) === wanted,
        );
        if (clash) throw duplicateKeyError(collection, index, doc);
      }
    }
    for (const resource of resources) {
      const entry = this.engine.resources.get(resource) ?? { ts: 0 };
      entry.holder = this;
      this.engine.resources.set(resource, entry);
      this.locked.add(resource);
    }
    const own = this.writes.get(collection.ns) ?? new Map<string, Document | null>();
    own.set(key, doc);
    this.writes.set(collection.ns, own);
  }

  commit(): void {
    this.engine.end(this, 'committed');
  }

  abort(): void {
    if (this.state === 'active') this.engine.end(this, 'aborted');
  }

  /** Called by the engine once the transaction has ended. */
  settle(): void {
    this.finish();
  }
}

function visibleAt(versions: Version[], snapshot: number): Document | null {
  for (let i = versions.length - 1; i >= 0; i -= 1) if (versions[i]!.ts <= snapshot) return versions[i]!.doc;
  return null;
}

export class StorageEngine {
  private clock = 0;
  private commitsSinceSweep = 0;
  readonly databases = new Map<string, Map<string, Collection>>();
  /** Documents and unique keys: when last committed, and which open transaction holds them. */
  readonly resources = new Map<string, { ts: number; holder?: Transaction }>();
  readonly open = new Set<Transaction>();

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created (as an insert or createIndexes would) when missing. */
  ensureCollection(db: string, name: string): { collection: Collection; created: boolean } {
    const existing = this.collection(db, name);
    if (existing) return { collection: existing, created: false };
    if (name === '' || name.includes('$') || name.includes('\0')) throw new CommandError(73, 'InvalidNamespace', `Invalid collection name: ${name}`);
    const collection = new Collection(db, name);
    const names = this.databases.get(db) ?? new Map<string, Collection>();
    names.set(name, collection);
    this.databases.set(db, names);
    return { collection, created: true };
  }

  dropCollection(db: string, name: string): boolean {
    return this.databases.get(db)?.delete(name) ?? false;
  }

  /** A read of what is committed now (used at once, so it need not be registered as open). */
  snapshotNow(): Transaction {
    return new Transaction(this, this.clock, true);
  }

  begin(implicit: boolean): Transaction {
    const transaction = new Transaction(this, this.clock, implicit);
    this.open.add(transaction);
    return transaction;
  }

  end(transaction: Transaction, outcome: 'committed' | 'aborted'): void {
    if (transaction.state !== 'active') return;
    transaction.state = outcome;
    this.open.delete(transaction);
    if (outcome === 'committed' && transaction.writes.size > 0) {
      const ts = ++this.clock;
      for (const [ns, docs] of transaction.writes) {
        const dot = ns.indexOf('.');
        const { collection } = this.ensureCollection(ns.slice(0, dot), ns.slice(dot + 1));
        for (const [key, doc] of docs) {
          const versions = collection.records.get(key) ?? [];
          versions.push({ ts, doc });
          collection.records.set(key, versions);
          this.prune(collection, key, versions);
        }
      }
      for (const resource of transaction.locked) this.resources.set(resource, { ts });
    } else {
      for (const resource of transaction.locked) {
        const entry = this.resources.get(resource);
        if (entry?.holder !== transaction) continue;
        if (entry.ts === 0) this.resources.delete(resource);
        else delete entry.holder;
      }
    }
    this.sweep();
    transaction.settle();
  }

  private oldestSnapshot(): number {
    let oldest = Infinity;
    for (const transaction of this.open) oldest = Math.min(oldest, transaction.snapshot);
    return oldest;
  }

  /** Drops the versions no open transaction can see any more. */
  private prune(collection: Collection, key: string, versions: Version[]): void {
    const oldest = this.oldestSnapshot();
    let keepFrom = 0;
    for (let i = 0; i < versions.length; i += 1) if (versions[i]!.ts <= oldest) keepFrom = i;
    if (keepFrom > 0) versions.splice(0, keepFrom);
    if (versions.length === 1 && versions[0]!.doc === null && versions[0]!.ts <= oldest) collection.records.delete(key);
  }

  /** Forgets commit stamps older than every open snapshot: no transaction can conflict on them. */
  private sweep(): void {
    if (this.open.size === 0) {
      this.resources.clear();
      return;
    }
    this.commitsSinceSweep += 1;
    if (this.commitsSinceSweep < 256) return;
    this.commitsSinceSweep = 0;
    const oldest = this.oldestSnapshot();
    for (const [resource, entry] of this.resources) if (!entry.holder && entry.ts <= oldest) this.resources.delete(resource);
  }
}
