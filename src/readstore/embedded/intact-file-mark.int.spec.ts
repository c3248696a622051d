// The read models' file is checked once per version of it: a clean close vouches for the file as
// it left it, and any change after that (a write, a truncation, a crash before the close) means
// the next open checks it again.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from './embedded-read-store.js';
import { leaveIntactMark, takeIntactMark } from './intact-file-mark.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-intact-mark-'));
  file = join(dir, 'readmodels.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function storeWithDocuments(count: number): Promise<EmbeddedReadStore> {
  const store = new EmbeddedReadStore(file);
  await store.ensureCollection({ name: 'things_v1' });
  const writes = Array.from({ length: count }, (_, i) => ({ op: 'upsert' as const, collection: 'things_v1', doc: { _id: `thing-${i}`, _position: i + 1, text: 'x'.repeat(200) } }));
  await store.commit({ subscriber: 'things@v1', writes, checkpoint: BigInt(count) });
  return store;
}

describe('the intact mark of the read models file', () => {
  it('is left by a clean close, taken by the next open, and left again by its close', async () => {
    const store = await storeWithDocuments(10);
    expect(existsSync(`${file}.intact`)).toBe(false);
    await store.close();
    expect(existsSync(`${file}.intact`)).toBe(true);

    const reopened = new EmbeddedReadStore(file);
    // Taken at open: a crash from here on leaves no mark, so the next open checks the file.
    expect(existsSync(`${file}.intact`)).toBe(false);
    expect(await reopened.findById('things_v1', 'thing-3')).toMatchObject({ _id: 'thing-3', _position: 4 });
    expect(await reopened.getCheckpoint('things@v1')).toBe(10n);
    await reopened.close();
    expect(existsSync(`${file}.intact`)).toBe(true);
  });

  it('vouches only for the version it was left for', async () => {
    await (await storeWithDocuments(50)).close();
    expect(takeIntactMark(file)).toBe(true);
    // Taken: without another clean close, the file is not vouched for (as after a crash).
    expect(takeIntactMark(file)).toBe(false);

    leaveIntactMark(file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(16, 0xab), 0, 16, Math.floor(statSync(file).size / 2));
    closeSync(fd);
    expect(takeIntactMark(file)).toBe(false);

    leaveIntactMark(file);
    truncateSync(file, statSync(file).size - 4096);
    expect(takeIntactMark(file)).toBe(false);
  });

  it('a file damaged after its clean close is still found damaged and moved aside', async () => {
    await (await storeWithDocuments(200)).close();
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0); // the header
    closeSync(fd);
    expect(statSync(file).size).toBe(size);

    const reopened = new EmbeddedReadStore(file);
    try {
      expect(readdirSync(dir)).toContainEqual(expect.stringMatching(/^readmodels\.db\.corrupt-/));
      expect(await reopened.findById('things_v1', 'thing-3')).toBeNull();
    } finally {
      await reopened.close();
    }
  });
});
