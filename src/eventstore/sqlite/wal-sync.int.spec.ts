// Acknowledged means fsynced: with the WAL's fsync held by the test (a double of fs.fsync), an
// append stays unanswered and subscriptions (and the head) see nothing of it; commits made meanwhile share the next
// fsync; a failed fsync stops the store: every append is refused until it is opened again, and
// nothing acknowledged before is lost.
import { randomUUID } from 'node:crypto';
import { fsync as realFsync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AppendResult, NewEvent, SubscriptionMessage } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.js';

type Done = (error: NodeJS.ErrnoException | null) => void;

/** A double of fs.fsync that holds each call until the test lets it go (really fsyncing then) or fails it. */
class HeldFsync {
  readonly calls: { fd: number; done: Done }[] = [];
  readonly fsync = (fd: number, done: Done): void => void this.calls.push({ fd, done });
  release(index = this.calls.length - 1): Promise<void> {
    const call = this.calls[index]!;
    return new Promise((resolve) => realFsync(call.fd, (error) => { call.done(error); resolve(); }));
  }
  fail(index = this.calls.length - 1): void {
    this.calls[index]!.done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  }
}

const event = (): NewEvent => ({
  eventId: randomUUID(), type: 'ThingRecorded', data: { n: 1 },
  metadata: { actor: { system: 'test' }, commandId: randomUUID(), commandType: 'RecordThing', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-03T00:00:00.000Z' },
});
const turn = () => new Promise((resolve) => setImmediate(resolve));
const settledState = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(() => (state = 'resolved'), () => (state = 'rejected'));
  await turn();
  await turn();
  return state;
};

describe('SqliteEventStore: an append is answered and shown only after the fsync that covers it', () => {
  let dir: string;
  let held: HeldFsync;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-walsync-'));
    held = new HeldFsync();
    store = SqliteEventStore.inDataDir(dir, { fsync: held.fsync });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the answer, the head and subscriptions until the fsync returns', async () => {
    const appended = store.append('thing-1', [event()], 'no_stream');
    await turn();
    expect(held.calls).toHaveLength(1);
    expect(await settledState(appended)).toBe('pending');
    expect(await store.headPosition()).toBeUndefined();
    // A command deciding sees the commit at once (its own append waits for an fsync covering it),
    // and so does a read of $all; a subscription, which acts on what it reads, does not.
    expect((await store.readStream('thing-1')).map((e) => e.position)).toEqual([1n]);
    expect((await store.readAll()).map((e) => e.position)).toEqual([1n]);
    const abort = new AbortController();
    const seen: SubscriptionMessage[] = [];
    const subscription = (async () => {
      for await (const message of store.subscribeToAll({ signal: abort.signal })) {
        seen.push(message);
        if (message.kind === 'event') abort.abort();
      }
    })();
    await turn();
    expect(seen.filter((m) => m.kind === 'event')).toEqual([]);

    await held.release();
    const result: AppendResult = await appended;
    expect(result.position).toBe(1n);
    expect((await store.readAll()).map((e) => e.position)).toEqual([1n]);
    expect(await store.headPosition()).toBe(1n);
    await subscription;
    expect(seen.filter((m) => m.kind === 'event').map((m) => m.kind === 'event' && m.event.position)).toEqual([1n]);
  });

  it('lets the commits made while one fsync runs share the next one', async () => {
    const first = store.append('thing-1', [event()], 'no_stream');
    await turn();
    const later = Array.from({ length: 10 }, (_, i) => store.append(`other-${i}`, [event()], 'no_stream'));
    await turn();
    expect(held.calls).toHaveLength(1); // the ten are committed, waiting behind the running fsync
    await held.release(0);
    await first;
    expect(await settledState(Promise.all(later))).toBe('pending');
    expect(held.calls).toHaveLength(2);
    await held.release(1);
    expect((await Promise.all(later)).map((r) => r.position)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 2)));
  });

  it('after a failed fsync refuses every append until reopened, tries no other fsync, and loses nothing acknowledged', async () => {
    const acknowledged = store.append('thing-1', [event()], 'no_stream');
    await turn();
    await held.release(0);
    expect((await acknowledged).position).toBe(1n);

    const covered = store.append('thing-2', [event()], 'no_stream');
    await turn();
    expect(held.calls).toHaveLength(2);
    // Committed while the failing fsync runs: the next fsync would have covered it.
    const behind = store.append('thing-3', [event()], 'no_stream');
    await turn();
    held.fail(1);
    await expect(covered).rejects.toMatchObject({ code: 'storage_fsync_failed' });
    await expect(behind).rejects.toMatchObject({ code: 'storage_fsync_failed' });
    // Subscriptions follow the head: they never see what may not be on the disk.
    expect(await store.headPosition()).toBe(1n);
    expect(store.storage.fault).toMatchObject({ code: 'storage_fsync_failed', sqliteCode: 'SQLITE_IOERR_FSYNC', restartRequired: true });

    // Later appends, to any stream, are refused without being written or waiting for an fsync.
    await expect(store.append('thing-4', [event()], 'no_stream')).rejects.toMatchObject({ code: 'storage_fsync_failed' });
    await expect(store.append('thing-1', [event()], 0)).rejects.toMatchObject({ code: 'storage_fsync_failed' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(held.calls).toHaveLength(2); // no retry: a good fsync now would prove nothing
    expect(store.storage.fault).toMatchObject({ code: 'storage_fsync_failed' });
    expect((await store.readStream('thing-4'))).toEqual([]);

    // Opened again (the service restarted), the log is read from the disk: the acknowledged event is
    // there, and appends are taken again.
    await store.close();
    store = SqliteEventStore.inDataDir(dir);
    expect((await store.readStream('thing-1')).map((e) => e.position)).toEqual([1n]);
    expect(store.storage.fault).toBeUndefined();
    expect((await store.append('thing-5', [event()], 'no_stream')).nextRevision).toBe(0);
  });
});
