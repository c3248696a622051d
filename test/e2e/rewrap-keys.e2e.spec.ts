// `orderstream rewrap-keys` on the key store of a stopped service: keys kept unwrapped get wrapped
// with PERSONAL_DATA_KEK, the data keys inside unchanged; without a KEK, or on a directory without a
// key store, it refuses in a sentence and creates nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyEncryptionKeyOf, unwrapKey, wrappedBy } from '../../src/personal-data/key-wrapping.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from '../../src/personal-data/sqlite/sqlite-subject-key-store.js';
import { cli } from '../support/cli-under-test.js';

const KEK = randomBytes(32);
let dir: string;
let dataKey: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-rewrap-cli-'));
  const store = SqliteSubjectKeyStore.inDataDir(dir);
  dataKey = randomBytes(32);
  await store.keyFor('u-1', '2026-12-01T00:00:00.000Z', dataKey); // kept before a KEK was configured
  await store.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('rewrap-keys', () => {
  it('refuses without a key-encryption key, or without a key store where it is pointed', async () => {
    const withoutKek = await cli(['rewrap-keys', '--data-dir', dir]);
    expect(withoutKek.code).toBe(2);
    expect(withoutKek.stderr).toContain('PERSONAL_DATA_KEK');
    const empty = mkdtempSync(join(tmpdir(), 'orderstream-rewrap-empty-'));
    try {
      const nowhere = await cli(['rewrap-keys', '--data-dir', empty], { PERSONAL_DATA_KEK: KEK.toString('base64') });
      expect(nowhere.code).toBe(2);
      expect(existsSync(join(empty, KEYS_DB_FILE))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('wraps the keys kept unwrapped with the configured KEK, keeping the data keys', async () => {
    const run = await cli(['rewrap-keys', '--data-dir', dir], { PERSONAL_DATA_KEK: KEK.toString('base64') });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('1 key(s) rewrapped');
    const store = SqliteSubjectKeyStore.inDataDir(dir);
    try {
      const key = await store.find('u-1');
      if (key?.state !== 'active') throw new Error('no key');
      const kek = keyEncryptionKeyOf(KEK);
      expect(wrappedBy(key.key)).toBe(kek.id);
      expect(unwrapKey(key.key, { current: kek, previous: [] }, 'u-1').equals(dataKey)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
