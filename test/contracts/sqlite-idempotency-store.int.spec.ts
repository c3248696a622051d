// The embedded idempotency store passes the port's contract.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteIdempotencyStore } from '../../src/idempotency/sqlite-idempotency-store.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';

idempotencyStoreContract('SqliteIdempotencyStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
  const store = new SqliteIdempotencyStore(join(dir, 'idempotency.db'));
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
