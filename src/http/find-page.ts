// One keyset page of a read model: sorted on one field, the cursor carrying the last item's value
// of it (pagination.ts encodes it), so a page never skips or repeats a document that was there
// before the first page was read. Every paged query of the contexts reads through it.
import type { Query, ReadDocument, ReadStore } from '../readstore/read-store.port.js';
import { decodeCursor, encodeCursor, type Page } from './pagination.js';
import { ProblemException } from './problem.js';

export interface Keyset<D extends ReadDocument, K extends keyof D & string> {
  field: K;
  order: 'ascending' | 'descending';
  /** The cursor's one key: cursors already handed out keep theirs (e.g. `p` for a position). */
  cursorKey: string;
  /** The cursor's text back to a value of `field`; undefined: not a cursor of ours (400). Default: the text itself. */
  parse?(text: string): D[K] | undefined;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export async function findPage<D extends ReadDocument, K extends keyof D & string>(
  readStore: ReadStore,
  collection: string,
  query: Query,
  keyset: Keyset<D, K>,
  { limit, cursor }: PageRequest,
): Promise<Page<D>> {
  const direction = keyset.order === 'ascending' ? 1 : -1;
  // The cursor decodes to a string or the request is refused: never an operator object.
  const text = cursor === undefined ? undefined : decodeCursor(cursor, [keyset.cursorKey])[keyset.cursorKey];
  const after = text === undefined ? undefined : keyset.parse ? keyset.parse(text) : text;
  if (text !== undefined && after === undefined) throw new ProblemException(400, 'invalid_cursor', 'cursor must be a nextCursor from a previous page');
  const filter = after === undefined ? query : { ...query, [keyset.field]: { [direction === 1 ? '$gt' : '$lt']: after } };
  const docs = await readStore.find<D>(collection, filter, { sort: { [keyset.field]: direction }, limit: limit + 1 });
  const items = docs.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: docs.length > limit && last ? encodeCursor({ [keyset.cursorKey]: String(last[keyset.field]) }) : null };
}
