// Turns an $all filter into SQL. Stream prefixes become range conditions on the
// (stream_id, revision) index instead of LIKE, so '%' and '_' in a prefix mean themselves.
import type { AllFilter } from '../event-store.port.js';
import { isName } from '../prepare-append.js';

/**
 * The least string above every string that starts with `prefix`, in SQLite's BINARY order
 * (UTF-8 bytes, which is code point order), or undefined if there is none.
 * Strings starting with P are exactly those with P <= s < upper.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1; // surrogates are not code points
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

// SQLite orders every BLOB after every TEXT value, so an empty BLOB is an upper bound for
// a prefix that has no successor string.
const ABOVE_ALL_TEXT = Buffer.alloc(0);

export interface FilterSql {
  /** A stable key for caching the prepared statement: the shape, not the values. */
  shape: string;
  /** SQL conditions to AND onto the query (may be empty). */
  where: string;
  params: Array<string | Buffer>;
}

function checkList(name: string, list: unknown): list is string[] | undefined {
  if (list === undefined) return true;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && (item === '' || isName(item)))) {
    // An empty list would silently mean "everything" or "nothing"; neither is safe to guess.
    throw new RangeError(`filter.${name} must be a non-empty array of strings`);
  }
  return true;
}

export function filterSql(filter: AllFilter | undefined): FilterSql {
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes;
  checkList('streamPrefixes', prefixes);
  checkList('eventTypes', types);
  const conditions: string[] = [];
  const params: Array<string | Buffer> = [];
  if (types) {
    conditions.push(`type IN (${types.map(() => '?').join(', ')})`);
    params.push(...types);
  }
  if (prefixes) {
    conditions.push(`(${prefixes.map(() => '(stream_id >= ? AND stream_id < ?)').join(' OR ')})`);
    for (const prefix of prefixes) params.push(prefix, prefixUpperBound(prefix) ?? ABOVE_ALL_TEXT);
  }
  return {
    shape: `${types?.length ?? 0}:${prefixes?.length ?? 0}`,
    where: conditions.map((condition) => ` AND ${condition}`).join(''),
    params,
  };
}
