import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from '../readstore/embedded/embedded-read-store.js';
import type { ReadDocument } from '../readstore/read-store.port.js';
import { findPage } from './find-page.js';

interface Row extends ReadDocument {
  owner: string;
  name: string;
  at: number;
}

const base64url = (json: string) => Buffer.from(json).toString('base64url');

describe('findPage', () => {
  let dir: string;
  let store: EmbeddedReadStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-find-page-'));
    store = new EmbeddedReadStore(join(dir, 'readmodels.db'));
    await store.ensureCollection({ name: 'rows' });
    const rows: Row[] = ['c', 'a', 'e', 'b', 'd'].map((name, i) => ({ _id: name, _position: i + 1, owner: i % 2 ? 'odd' : 'even', name, at: (i + 1) * 10 }));
    await store.commit({ subscriber: 'rows', checkpoint: 5n, writes: rows.map((doc) => ({ op: 'upsert', collection: 'rows', doc })) });
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const byName = { field: 'name', order: 'ascending', cursorKey: 'name' } as const;
  const newestFirst = { field: 'at', order: 'descending', cursorKey: 'p', parse: (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : undefined) } as const;

  it('walks ascending pages with the cursors the queries have always handed out', async () => {
    const first = await findPage<Row, 'name'>(store, 'rows', {}, byName, { limit: 2 });
    expect(first.items.map((row) => row.name)).toEqual(['a', 'b']);
    expect(first.nextCursor).toBe(base64url('{"name":"b"}'));
    const second = await findPage<Row, 'name'>(store, 'rows', {}, byName, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((row) => row.name)).toEqual(['c', 'd']);
    const last = await findPage<Row, 'name'>(store, 'rows', {}, byName, { limit: 2, cursor: second.nextCursor! });
    expect(last).toEqual({ items: [expect.objectContaining({ name: 'e' })], nextCursor: null });
  });

  it('walks descending pages within a filter, the cursor carrying the number as text', async () => {
    const first = await findPage<Row, 'at'>(store, 'rows', { owner: 'even' }, newestFirst, { limit: 2 });
    expect(first.items.map((row) => row.at)).toEqual([50, 30]);
    expect(first.nextCursor).toBe(base64url('{"p":"30"}'));
    const second = await findPage<Row, 'at'>(store, 'rows', { owner: 'even' }, newestFirst, { limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ at: 10 })], nextCursor: null });
  });

  it('refuses a cursor whose value does not parse (it is not one of ours), and a cursor of another shape', async () => {
    await expect(findPage<Row, 'at'>(store, 'rows', {}, newestFirst, { limit: 1, cursor: base64url('{"p":"soon"}') })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(findPage<Row, 'name'>(store, 'rows', {}, byName, { limit: 1, cursor: base64url('{"name":{"$gt":""}}') })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});
