// The CredentialStore contract: the executable definition of the port, run against every adapter
// (sqlite-credential-store.int.spec.ts; mongo-credential-store.int.spec.ts with MONGODB_URL).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { CredentialStore } from '../../src/credentialstore/credential-store.port.js';

export interface CredentialStoreUnderTest {
  store: CredentialStore;
  cleanup(): Promise<void>;
  /** Closes the store and opens a new one over the same data, as a restart would. */
  reopen(): Promise<CredentialStore>;
}

const T1 = '2026-12-01T00:00:00.000Z';
const T2 = '2026-12-02T00:00:00.000Z';

export function credentialStoreContract(name: string, open: () => Promise<CredentialStoreUnderTest>): void {
  describe(`CredentialStore contract: ${name}`, () => {
    let subject: CredentialStoreUnderTest;
    let store: CredentialStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('keeps a secret under (subject, credential id), durable across a reopen', async () => {
      await store.put('u1', 'c1', '$scrypt$one', T1);
      expect(await store.get('u1', 'c1')).toBe('$scrypt$one');
      expect(await store.get('u1', 'c2')).toBeUndefined();
      expect(await store.get('u2', 'c1')).toBeUndefined();
      store = await subject.reopen();
      expect(await store.get('u1', 'c1')).toBe('$scrypt$one');
    });

    it('is first-wins: a second put of the same key changes nothing (retries and migrations are harmless)', async () => {
      await store.put('u1', 'c1', 'first', T1);
      await store.put('u1', 'c1', 'second', T2);
      expect(await store.get('u1', 'c1')).toBe('first');
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.put('u1', 'c9', `racer-${i}`, T1)));
      expect(await store.get('u1', 'c9')).toMatch(/^racer-\d+$/);
    });

    it('retains only the current credential of a subject, and sweeps old ones but the kept one', async () => {
      await store.put('u1', 'old', 'a', T1);
      await store.put('u1', 'new', 'b', T2);
      await store.put('u2', 'x', 'c', T1);
      expect(await store.retainOnly('u1', 'new')).toBe(1);
      expect(await store.get('u1', 'old')).toBeUndefined();
      expect(await store.get('u1', 'new')).toBe('b');
      expect(await store.get('u2', 'x')).toBe('c');

      await store.put('u3', 'keep', 'k', T1);
      await store.put('u3', 'orphan', 'o', T1);
      await store.put('u3', 'fresh', 'f', T2);
      expect(await store.sweep('u3', T2, 'keep')).toBe(1);
      expect(await store.get('u3', 'orphan')).toBeUndefined();
      expect(await store.get('u3', 'keep')).toBe('k');
      expect(await store.get('u3', 'fresh')).toBe('f');
      expect(await store.sweep('u3', '2027-01-01T00:00:00.000Z')).toBe(2);
    });

    it('lists subjects in order, a page at a time', async () => {
      for (const id of ['b', 'a', 'c', 'a']) await store.put(id, `${id}-${Math.random()}`, 's', T1);
      expect(await store.subjects(undefined, 2)).toEqual(['a', 'b']);
      expect(await store.subjects('b', 2)).toEqual(['c']);
    });

    it('refuses empty keys and keys with a newline', async () => {
      await expect(store.put('', 'c', 's', T1)).rejects.toThrow(RangeError);
      await expect(store.put('u\n1', 'c', 's', T1)).rejects.toThrow(RangeError);
    });
  });
}
