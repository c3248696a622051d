// The SubjectKeyStore contract: the executable definition of the port, run against every adapter
// (sqlite-subject-key-store.int.spec.ts; mongo-subject-key-store.int.spec.ts with MONGODB_URL).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { SubjectKey, SubjectKeyStore } from '../../src/personal-data/subject-key-store.port.js';

export interface SubjectKeyStoreUnderTest {
  store: SubjectKeyStore;
  cleanup(): Promise<void>;
  /** Closes the store and opens a new one over the same data, as a restart would. */
  reopen(): Promise<SubjectKeyStore>;
}

const T1 = '2026-12-01T00:00:00.000Z';
const T2 = '2026-12-02T00:00:00.000Z';

/** Bytes to keep for a subject who has no key yet (a data key, or one wrapped: the store keeps what it is given). */
const offered = () => randomBytes(32);

const activeKey = (key: SubjectKey | undefined): Buffer => {
  if (key?.state !== 'active') throw new Error(`expected an active key, got ${JSON.stringify(key)}`);
  return key.key;
};

export function subjectKeyStoreContract(name: string, open: () => Promise<SubjectKeyStoreUnderTest>): void {
  describe(`SubjectKeyStore contract: ${name}`, () => {
    let subject: SubjectKeyStoreUnderTest;
    let store: SubjectKeyStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('keeps the first key offered per subject, the same on every call, durable across a reopen', async () => {
      expect(await store.find('u1')).toBeUndefined();
      const first = offered();
      const key = activeKey(await store.keyFor('u1', T1, first));
      expect(key.equals(first)).toBe(true);
      expect(activeKey(await store.keyFor('u1', T2, offered())).equals(key)).toBe(true);
      expect(activeKey(await store.keyFor('u2', T1, offered())).equals(key)).toBe(false);
      store = await subject.reopen();
      expect(activeKey(await store.find('u1')).equals(key)).toBe(true);
    });

    it('gives racing first calls for one subject the same key', async () => {
      const keys = await Promise.all(Array.from({ length: 8 }, () => store.keyFor('racer', T1, offered())));
      const first = activeKey(keys[0]);
      for (const key of keys) expect(activeKey(key).equals(first)).toBe(true);
    });

    it('destroys a key for good: erased ever after, never a new key, durable across a reopen', async () => {
      await store.keyFor('u1', T1, offered());
      await store.destroy('u1', T2);
      expect(await store.find('u1')).toEqual({ state: 'erased', erasedAt: T2 });
      expect(await store.keyFor('u1', T2, offered())).toEqual({ state: 'erased', erasedAt: T2 });
      await store.destroy('u1', '2026-12-09T00:00:00.000Z'); // idempotent: the first erasure's time stays
      store = await subject.reopen();
      expect(await store.find('u1')).toEqual({ state: 'erased', erasedAt: T2 });
      expect(activeKey(await store.keyFor('u2', T1, offered()))).toHaveLength(32); // others unaffected
    });

    it('lists every subject with their key in subject order, a page at a time', async () => {
      for (const name of ['c', 'a', 'b']) await store.keyFor(name, T1, offered());
      await store.destroy('b', T2);
      const first = await store.page(undefined, 2);
      expect(first.map(({ subject, key }) => [subject, key.state])).toEqual([['a', 'active'], ['b', 'erased']]);
      const rest = await store.page('b', 2);
      expect(rest.map(({ subject }) => subject)).toEqual(['c']);
      expect(await store.page('c', 2)).toEqual([]);
    });

    it('replaces a key only while it is still the one expected, never after an erasure', async () => {
      const before = activeKey(await store.keyFor('u1', T1, offered()));
      const next = offered();
      expect(await store.replace('u1', offered(), next)).toBe(false);
      expect(await store.replace('u1', before, next)).toBe(true);
      expect(activeKey(await store.find('u1')).equals(next)).toBe(true);
      await store.destroy('u1', T2);
      expect(await store.replace('u1', next, offered())).toBe(false);
      expect(await store.find('u1')).toEqual({ state: 'erased', erasedAt: T2 });
    });

    it('erases a subject who never had a key: none is ever made for them', async () => {
      await store.destroy('never', T1);
      expect(await store.keyFor('never', T2, offered())).toEqual({ state: 'erased', erasedAt: T1 });
    });
  });
}
