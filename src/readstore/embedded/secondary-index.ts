// An in-memory secondary index: equality lookups on declared fields without scanning the
// collection. It answers with a superset of the matches (mingo re-checks every candidate), so
// a document whose value it cannot key exactly (an object, an array inside a path) is kept
// aside and always offered as a candidate, rather than risk missing a match.
import type { IndexSpec, Query, ReadDocument } from '../read-store.port.js';

type IndexKey = string;
type Scalar = string | number | boolean | null | undefined;

export class SecondaryIndex {
  /** MongoDB's default index name, e.g. `sku_1` or `customerId_1_placedAt_-1`. */
  readonly name: string;
  private readonly fields: string[];
  private readonly buckets = new Map<IndexKey, Set<string>>();
  private readonly unkeyable = new Set<string>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.fields);
    if (this.fields.length === 0) throw new Error('An index needs at least one field');
    this.name = Object.entries(spec.fields).map(([field, direction]) => `${field}_${direction}`).join('_');
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  /**
   * The keys a document files under: one per field combination; several when a single indexed
   * field holds an array (a multikey index, as in MongoDB); undefined when it cannot be keyed.
   */
  keysOf(doc: ReadDocument): IndexKey[] | undefined {
    if (this.fields.length === 1) {
      const value = valueAtPath(doc, this.fields[0]!);
      if (value === UNREACHABLE) return undefined;
      if (Array.isArray(value)) {
        if (!value.every(isScalar)) return undefined;
        return [...new Set(value.map(scalarKey))];
      }
      return isScalar(value) ? [scalarKey(value)] : undefined;
    }
    const parts: IndexKey[] = [];
    for (const field of this.fields) {
      const value = valueAtPath(doc, field);
      if (value === UNREACHABLE || !isScalar(value)) return undefined;
      parts.push(scalarKey(value));
    }
    return [JSON.stringify(parts)];
  }

  /** The key a query's equality conditions select, if it constrains every indexed field so. */
  keyForQuery(query: Query): IndexKey | undefined {
    const parts: IndexKey[] = [];
    for (const field of this.fields) {
      const value = equalityValue(query[field]);
      if (value === UNREACHABLE) return undefined;
      parts.push(scalarKey(value));
    }
    return this.fields.length === 1 ? parts[0] : JSON.stringify(parts);
  }

  add(id: string, doc: ReadDocument): void {
    const keys = this.keysOf(doc);
    if (keys === undefined) {
      this.unkeyable.add(id);
      return;
    }
    for (const key of keys) {
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = new Set()));
      bucket.add(id);
    }
  }

  remove(id: string, doc: ReadDocument): void {
    this.unkeyable.delete(id);
    for (const key of this.keysOf(doc) ?? []) {
      const bucket = this.buckets.get(key);
      bucket?.delete(id);
      if (bucket?.size === 0) this.buckets.delete(key);
    }
  }

  /** Ids of documents filed under exactly this key. */
  idsWithKey(key: IndexKey): ReadonlySet<string> {
    return this.buckets.get(key) ?? EMPTY;
  }

  /** Ids that may match a query selecting `key`: the key's bucket plus every unkeyable document. */
  candidateIds(key: IndexKey): string[] {
    return [...this.idsWithKey(key), ...this.unkeyable];
  }

  /** Some key held by more than one document, if any (checked after building on existing data). */
  firstDuplicate(): string | undefined {
    for (const ids of this.buckets.values()) {
      if (ids.size > 1) return [...ids][1];
    }
    return undefined;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
const UNREACHABLE = Symbol('unreachable');

function isScalar(value: unknown): value is Scalar {
  return value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
}

// Type-tagged so that 1 and '1' differ; null and a missing field share a key because
// `{field: null}` matches both in MongoDB (and mingo).
function scalarKey(value: Scalar): IndexKey {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return `n:${Object.is(value, -0) ? 0 : value}`;
  return `${typeof value === 'string' ? 's' : 'b'}:${String(value)}`;
}

/** The value at a dotted path; UNREACHABLE when the path crosses an array (MongoDB would fan out). */
function valueAtPath(doc: ReadDocument, path: string): unknown {
  let value: unknown = doc;
  for (const segment of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value) || typeof value !== 'object') return UNREACHABLE;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The scalar a query condition demands equality with (`v` or `{$eq: v}`), else UNREACHABLE. */
function equalityValue(condition: unknown): Scalar | typeof UNREACHABLE {
  if (condition === undefined) return UNREACHABLE;
  if (isScalar(condition)) return condition;
  if (typeof condition === 'object' && condition !== null && !Array.isArray(condition)) {
    const keys = Object.keys(condition);
    const operand = (condition as Record<string, unknown>).$eq;
    if (keys.length === 1 && keys[0] === '$eq' && operand !== undefined && isScalar(operand)) return operand;
  }
  return UNREACHABLE;
}
