// The IdempotencyStore port's contract (src/idempotency/idempotency-store.port.ts): every adapter passes it.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { IdempotencyStore } from '../../src/idempotency/idempotency-store.port.js';

export interface IdempotencyStoreUnderTest {
  store: IdempotencyStore;
  /** A second connection to the same keys (another instance), when the adapter can have one. */
  other?: IdempotencyStore;
  cleanup(): Promise<void>;
}

export function idempotencyStoreContract(name: string, open: () => Promise<IdempotencyStoreUnderTest>): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let subject: IdempotencyStoreUnderTest;
    let store: IdempotencyStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('answers new, then repeat without an answer, then repeat with the stored answer', async () => {
      expect(await store.reserve('user:1', 'k1', 'f1')).toEqual({ kind: 'new' });
      expect(await store.reserve('user:1', 'k1', 'f1')).toEqual({ kind: 'repeat' });
      await store.complete('user:1', 'k1', 'f1', { id: 'p-1', revision: 0, position: '7' });
      expect(await store.reserve('user:1', 'k1', 'f1')).toEqual({ kind: 'repeat', answer: { id: 'p-1', revision: 0, position: '7' } });
    });

    it('refuses the same key with another request, and keeps keys apart by scope', async () => {
      await store.reserve('user:1', 'k1', 'f1');
      expect(await store.reserve('user:1', 'k1', 'f2')).toEqual({ kind: 'mismatch' });
      expect(await store.reserve('user:2', 'k1', 'f2')).toEqual({ kind: 'new' });
    });

    it('forgets a released reservation, but never a completed one', async () => {
      await store.reserve('user:1', 'k1', 'f1');
      await store.release('user:1', 'k1', 'f1');
      expect(await store.reserve('user:1', 'k1', 'f2')).toEqual({ kind: 'new' });
      await store.complete('user:1', 'k1', 'f2', { ok: true });
      await store.release('user:1', 'k1', 'f2');
      expect(await store.reserve('user:1', 'k1', 'f2')).toEqual({ kind: 'repeat', answer: { ok: true } });
    });

    it('stores answers holding keys a document store would refuse', async () => {
      await store.reserve('user:1', 'k1', 'f1');
      await store.complete('user:1', 'k1', 'f1', { $weird: 1, 'a.b': [null] });
      expect(await store.reserve('user:1', 'k1', 'f1')).toEqual({ kind: 'repeat', answer: { $weird: 1, 'a.b': [null] } });
    });

    it('gives a key to exactly one of many racing requests, across connections', async () => {
      const stores = [store, subject.other ?? store];
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, index) => stores[index % 2].reserve('user:1', 'race', 'f1')));
      expect(outcomes.filter((outcome) => outcome.kind === 'new')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind === 'repeat')).toHaveLength(7);
    });
  });
}
