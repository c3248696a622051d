// Runs the CredentialStore contract against the embedded store, each test in a fresh temp dir.
import { describe, expect, it } from '@jest/globals';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDENTIALS_DB_FILE, SqliteCredentialStore } from '../../src/credentialstore/sqlite/sqlite-credential-store.js';
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

// Each order holds a payment token and forgets it later: with a synchronous FULL commit per write,
// the whole service waited on an fsync twice per order. Writes asked for together share one.
describe('SqliteCredentialStore group commit', () => {
  const WAL_FRAME_BYTES = 24 + 4096;

  it('commits writes asked for in the same turn in one transaction, each answered once durable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-credentials-group-'));
    let store = SqliteCredentialStore.inDataDir(dir);
    try {
      await store.put('warm-up', 'token', 'secret', '2026-12-01T00:00:00.000Z');
      const walFile = join(dir, `${CREDENTIALS_DB_FILE}-wal`);
      const before = statSync(walFile).size;
      const subjects = Array.from({ length: 200 }, (_, i) => `payment-token:${i}`);
      await Promise.all(subjects.map((subject) => store.put(subject, 'token', `tok_${subject}`, '2026-12-01T00:00:00.000Z')));
      // One commit touches a handful of pages; one commit per put appends a frame (at least) each.
      const framesAdded = (statSync(walFile).size - before) / WAL_FRAME_BYTES;
      expect(framesAdded).toBeLessThan(20);
      await Promise.all(subjects.slice(0, 100).map((subject) => store.retainOnly(subject, '')));
      await store.close();
      store = SqliteCredentialStore.inDataDir(dir);
      expect(await store.get('payment-token:0', 'token')).toBeUndefined();
      expect(await store.get('payment-token:150', 'token')).toBe('tok_payment-token:150');
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a write asked for before close() is written, not dropped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-credentials-close-'));
    let store = SqliteCredentialStore.inDataDir(dir);
    try {
      const put = store.put('u1', 'c1', 'secret', '2026-12-01T00:00:00.000Z');
      await store.close();
      await put;
      store = SqliteCredentialStore.inDataDir(dir);
      expect(await store.get('u1', 'c1')).toBe('secret');
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
