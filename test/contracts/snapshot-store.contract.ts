// The SnapshotStore port's contract (src/snapshots/snapshot-store.port.ts): every adapter passes it.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { SnapshotStore, StoredSnapshot } from '../../src/snapshots/snapshot-store.port.js';

export interface SnapshotStoreUnderTest {
  store: SnapshotStore;
  /** Closes the store and opens the same snapshots again (a restart). */
  reopen(): Promise<SnapshotStore>;
  cleanup(): Promise<void>;
}

const snapshot = (overrides: Partial<StoredSnapshot> = {}): StoredSnapshot => ({
  streamId: 'product-1', version: '1-abc', revision: 199, position: 9_007_199_254_740_993n, hash: 'a'.repeat(64),
  // Keys MongoDB would refuse as field names: the state travels as text.
  state: JSON.stringify({ status: 'registered', reservations: { 'a.b': { quantity: 1 }, $x: 2 } }),
  commands: '{"parts":[]}',
  ...overrides,
});

export function snapshotStoreContract(name: string, open: () => Promise<SnapshotStoreUnderTest>): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    let subject: SnapshotStoreUnderTest;

    beforeEach(async () => {
      subject = await open();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('has no snapshot of a stream it was never given', async () => {
      expect(await subject.store.load('product-none')).toBeUndefined();
    });

    it('gives back what it kept, exactly, after a restart too', async () => {
      await subject.store.save(snapshot());
      expect(await subject.store.load('product-1')).toEqual(snapshot());
      const reopened = await subject.reopen();
      expect(await reopened.load('product-1')).toEqual(snapshot());
      expect(await reopened.load('product-2')).toBeUndefined();
    });

    it('keeps the later revision of the same version, whatever order the writes come in', async () => {
      await subject.store.save(snapshot({ revision: 399, state: '"later"' }));
      await subject.store.save(snapshot({ revision: 199, state: '"earlier"' }));
      expect(await subject.store.load('product-1')).toMatchObject({ revision: 399, state: '"later"' });
      await subject.store.save(snapshot({ revision: 599, state: '"latest"' }));
      expect(await subject.store.load('product-1')).toMatchObject({ revision: 599, state: '"latest"' });
    });

    it('replaces a snapshot of another version, even at a later revision (the decider changed)', async () => {
      await subject.store.save(snapshot({ version: '1-old', revision: 999 }));
      await subject.store.save(snapshot({ version: '2-new', revision: 199 }));
      expect(await subject.store.load('product-1')).toMatchObject({ version: '2-new', revision: 199 });
    });

    it('keeps streams apart', async () => {
      await subject.store.save(snapshot({ streamId: 'product-1', state: '"one"' }));
      await subject.store.save(snapshot({ streamId: 'product-2', state: '"two"' }));
      expect((await subject.store.load('product-1'))?.state).toBe('"one"');
      expect((await subject.store.load('product-2'))?.state).toBe('"two"');
    });
  });
}
