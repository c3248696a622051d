// Runs the ReadStore contract against the embedded store, each test in a fresh temp dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from '../../src/readstore/embedded/embedded-read-store.js';
import { readStoreContract } from './read-store.contract.js';

readStoreContract('embedded (mingo + SQLite file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-readstore-'));
  const file = join(dir, 'readmodels.db');
  let current = new EmbeddedReadStore(file);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = new EmbeddedReadStore(file);
      return current;
    },
    async cleanup() {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
