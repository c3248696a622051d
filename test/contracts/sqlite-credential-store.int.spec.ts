// Runs the CredentialStore contract against the embedded store, each test in a fresh temp dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCredentialStore } from '../../src/credentialstore/sqlite/sqlite-credential-store.js';
import { credentialStoreContract } from './credential-store.contract.js';

credentialStoreContract('embedded (SQLite file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-credentials-'));
  let current = SqliteCredentialStore.inDataDir(dir);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = SqliteCredentialStore.inDataDir(dir);
      return current;
    },
    async cleanup() {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
