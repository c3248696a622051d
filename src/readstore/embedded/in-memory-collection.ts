// One collection held in memory: documents by id plus the secondary indexes its spec declares.
// It neither copies nor persists; EmbeddedReadStore does both around it.
import type { CollectionSpec, Query, ReadDocument } from '../read-store.port.js';
import { UniqueIndexViolationError } from '../read-store.errors.js';
import { SecondaryIndex } from './secondary-index.js';

/** New states for some documents of one collection: a document, or null for deleted. */
export type StagedChanges = ReadonlyMap<string, ReadDocument | null>;

export class InMemoryCollection {
  private readonly docs = new Map<string, ReadDocument>();
  private readonly indexes: SecondaryIndex[];

  /** Builds the collection; throws UniqueIndexViolationError if the documents break a unique index. */
  constructor(
    readonly spec: CollectionSpec,
    documents: Iterable<ReadDocument> = [],
  ) {
    this.indexes = (spec.indexes ?? []).map((index) => new SecondaryIndex(index));
    for (const doc of documents) this.put(doc._id, doc);
    for (const index of this.indexes) {
      const duplicate = index.unique ? index.firstDuplicate() : undefined;
      if (duplicate !== undefined) throw new UniqueIndexViolationError(spec.name, index.name, duplicate);
    }
  }

  get(id: string): ReadDocument | undefined {
    return this.docs.get(id);
  }

  all(): IterableIterator<ReadDocument> {
    return this.docs.values();
  }

  /** Replaces (or, with null, removes) a document and keeps every index in step. */
  put(id: string, doc: ReadDocument | null): void {
    const previous = this.docs.get(id);
    if (previous) for (const index of this.indexes) index.remove(id, previous);
    if (doc === null) {
      this.docs.delete(id);
      return;
    }
    this.docs.set(id, doc);
    for (const index of this.indexes) index.add(id, doc);
  }

  /** The first unique-index conflict the changes would cause, checked before anything is applied. */
  uniqueViolation(changes: StagedChanges): UniqueIndexViolationError | undefined {
    for (const index of this.indexes.filter((candidate) => candidate.unique)) {
      const claimedInBatch = new Map<string, string>();
      for (const [id, doc] of changes) {
        if (doc === null) continue;
        for (const key of index.keysOf(doc) ?? []) {
          // A document that this batch also changes is judged by its new state, not its stored one.
          const storedOwner = [...index.idsWithKey(key)].some((owner) => owner !== id && !changes.has(owner));
          const batchOwner = claimedInBatch.get(key);
          if (storedOwner || (batchOwner !== undefined && batchOwner !== id)) {
            return new UniqueIndexViolationError(this.spec.name, index.name, id);
          }
          claimedInBatch.set(key, id);
        }
      }
    }
    return undefined;
  }

  /**
   * Documents that may match the query: narrowed by `_id` or by the most selective usable index,
   * else every document. The caller still runs the full query over them.
   */
  candidates(query: Query): ReadDocument[] {
    const byId = this.candidatesById(query._id);
    if (byId) return byId;
    let best: string[] | undefined;
    for (const index of this.indexes) {
      const key = index.keyForQuery(query);
      if (key === undefined) continue;
      const ids = index.candidateIds(key);
      if (!best || ids.length < best.length) best = ids;
    }
    if (!best) return [...this.docs.values()];
    return best.map((id) => this.docs.get(id)).filter((doc): doc is ReadDocument => doc !== undefined);
  }

  private candidatesById(condition: unknown): ReadDocument[] | undefined {
    let ids: unknown[] | undefined;
    if (typeof condition === 'string') ids = [condition];
    else if (isPlainObject(condition) && Object.keys(condition).length === 1) {
      if (typeof condition.$eq === 'string') ids = [condition.$eq];
      else if (Array.isArray(condition.$in) && condition.$in.every((id) => typeof id === 'string')) ids = condition.$in;
    }
    if (!ids) return undefined;
    return [...new Set(ids as string[])].map((id) => this.docs.get(id)).filter((doc): doc is ReadDocument => doc !== undefined);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
