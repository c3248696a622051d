// Checkpoints moved by batches that change no document are written together: one transaction
// per turn of the event loop (or with the next commit that has documents), not one per
// subscriber per batch, and they are in the file after a close and reopen.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EmbeddedReadStore } from './embedded-read-store.js';
import { ReadModelsFile } from './read-models-file.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('EmbeddedReadStore: checkpoint-only commits', () => {
  let dir: string;
  let store: EmbeddedReadStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-checkpoints-'));
    store = EmbeddedReadStore.inDataDir(dir);
    await store.ensureCollection({ name: 'things' });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('are written in one transaction per turn and survive a reopen', async () => {
    const writes = jest.spyOn(ReadModelsFile.prototype, 'commit');
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.commit({ subscriber: `s${i}`, writes: [], checkpoint: BigInt(i + 1) })));
    expect(await store.getCheckpoint('s3')).toBe(4n); // seen at once
    await turn();
    expect(writes).toHaveBeenCalledTimes(1);
    expect([...(writes.mock.calls[0]![1] as Map<string, bigint>)]).toHaveLength(10);
    await store.close();
    store = EmbeddedReadStore.inDataDir(dir);
    expect(await Promise.all(Array.from({ length: 10 }, (_, i) => store.getCheckpoint(`s${i}`)))).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
  });

  it('go with the next commit that has documents, and a close writes what is left', async () => {
    const writes = jest.spyOn(ReadModelsFile.prototype, 'commit');
    await store.commit({ subscriber: 'saga', writes: [], checkpoint: 5n });
    await store.commit({ subscriber: 'things-projection', writes: [{ op: 'upsert', collection: 'things', doc: { _id: 'a', _position: 6 } }], checkpoint: 6n });
    expect(writes).toHaveBeenCalledTimes(1);
    expect([...(writes.mock.calls[0]![1] as Map<string, bigint>)]).toEqual([['saga', 5n], ['things-projection', 6n]]);
    await store.commit({ subscriber: 'relay', writes: [], checkpoint: 7n });
    await store.close(); // before the next turn
    store = EmbeddedReadStore.inDataDir(dir);
    expect(await store.getCheckpoint('saga')).toBe(5n);
    expect(await store.getCheckpoint('relay')).toBe(7n);
    expect(await store.findById('things', 'a')).toEqual({ _id: 'a', _position: 6 });
  });
});
