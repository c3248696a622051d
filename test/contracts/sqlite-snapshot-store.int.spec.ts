// The embedded snapshot store (<DATA_DIR>/snapshots.db) passes the port's contract.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSnapshotStore } from '../../src/snapshots/sqlite/sqlite-snapshot-store.js';
import { snapshotStoreContract } from './snapshot-store.contract.js';

snapshotStoreContract('SqliteSnapshotStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapshots-'));
  let current = SqliteSnapshotStore.inDataDir(dir, () => undefined);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = SqliteSnapshotStore.inDataDir(dir, () => undefined);
      return current;
    },
    async cleanup() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
