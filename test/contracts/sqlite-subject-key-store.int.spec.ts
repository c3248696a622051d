// Runs the SubjectKeyStore contract against the embedded store, each test in a fresh temp dir; and
// checks that a destroyed key's bytes are gone from the files, not merely marked destroyed.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from '../../src/personal-data/sqlite/sqlite-subject-key-store.js';
import { subjectKeyStoreContract } from './subject-key-store.contract.js';

subjectKeyStoreContract('embedded (SQLite file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-keys-'));
  let current = SqliteSubjectKeyStore.inDataDir(dir);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = SqliteSubjectKeyStore.inDataDir(dir);
      return current;
    },
    async cleanup() {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('the embedded key store file', () => {
  it('holds no copy of a destroyed key, in the database or its WAL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-keys-'));
    let store = SqliteSubjectKeyStore.inDataDir(dir);
    try {
      const key = await store.keyFor('u1', '2026-12-01T00:00:00.000Z', randomBytes(32));
      if (key.state !== 'active') throw new Error('no key');
      await store.close(); // the key is checkpointed into the database file itself
      expect((await readFile(join(dir, KEYS_DB_FILE))).includes(key.key)).toBe(true);
      store = SqliteSubjectKeyStore.inDataDir(dir);
      await store.destroy('u1', '2026-12-02T00:00:00.000Z');
      await store.close();
      for (const file of [KEYS_DB_FILE, `${KEYS_DB_FILE}-wal`].map((name) => join(dir, name)).filter(existsSync)) {
        expect((await readFile(file)).includes(key.key)).toBe(false);
      }
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
