// Rewrapping the key store under the current key-encryption key, on a real keys.db: keys kept
// unwrapped and keys of a previous KEK end up wrapped with the current one, every sealed value opens
// with the current KEK alone, erased subjects stay erased, and a key no configured KEK opens stops it.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyEncryptionKeyOf, KeyUnwrapError, wrappedBy } from './key-wrapping.js';
import { rewrapKeys } from './key-rewrap.js';
import { seal, unseal } from './sealing.js';
import { SqliteSubjectKeyStore } from './sqlite/sqlite-subject-key-store.js';
import { SubjectKeys } from './subject-keys.js';

const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const oldKek = keyEncryptionKeyOf(randomBytes(32));
const newKek = keyEncryptionKeyOf(randomBytes(32));

let dir: string;
let store: SqliteSubjectKeyStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-rewrap-'));
  store = new SqliteSubjectKeyStore(join(dir, 'keys.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A value sealed for `subject` by a service configured with `keks`. */
async function sealedFor(subject: string, keks?: ConstructorParameters<typeof SubjectKeys>[2]) {
  return seal(`address of ${subject}`, subject, await new SubjectKeys(store, clock, keks).forSealing(subject), `e/${subject}`);
}

describe('rewrapping the key store', () => {
  it('wraps every active key with the current KEK, so it alone opens every value; erased subjects stay erased', async () => {
    const plain = await sealedFor('u-plain');
    const old = await sealedFor('u-old', { current: oldKek, previous: [] });
    await sealedFor('u-gone');
    await new SubjectKeys(store, clock).destroy('u-gone');

    expect(await rewrapKeys(store, { current: newKek, previous: [oldKek] }, 2)).toEqual({ rewrapped: 2, current: 0, erased: 1, changedMeanwhile: 0 });
    const stored = await store.page(undefined, 10);
    expect(stored.map(({ subject, key }) => [subject, key.state === 'active' ? wrappedBy(key.key) : key.state])).toEqual([['u-gone', 'erased'], ['u-old', newKek.id], ['u-plain', newKek.id]]);

    const keys = new SubjectKeys(store, clock, { current: newKek, previous: [] });
    expect(unseal(plain, (await keys.forOpening('u-plain'))!, 'e/u-plain')).toBe('address of u-plain');
    expect(unseal(old, (await keys.forOpening('u-old'))!, 'e/u-old')).toBe('address of u-old');
    expect(await keys.forOpening('u-gone')).toBeUndefined();

    expect(await rewrapKeys(store, { current: newKek, previous: [] })).toEqual({ rewrapped: 0, current: 2, erased: 1, changedMeanwhile: 0 });
  });

  it('stops at a key no configured KEK opens, and changes nothing of it', async () => {
    await sealedFor('u-old', { current: oldKek, previous: [] });
    const before = await store.find('u-old');
    await expect(rewrapKeys(store, { current: newKek, previous: [] })).rejects.toThrow(KeyUnwrapError);
    expect(await store.find('u-old')).toEqual(before);
  });
});
