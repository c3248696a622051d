// The embedded SQLite event store: the shared contract, then what only a file-backed store has
// (reopening, the single-writer lock, closing with appends in flight, id uniqueness).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AppendRejectedError, DuplicateEventIdError } from '../../src/eventstore/event-store.errors.js';
import type { NewEvent } from '../../src/eventstore/event-store.port.js';
import { findChainBreak } from '../../src/eventstore/hash-chain.js';
import { EventStoreLockedError } from '../../src/eventstore/sqlite/open-database.js';
import { SqliteEventStore, StoreClosedError } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'orderstream-es-'));

eventStoreContract('SqliteEventStore', async () => {
  const dir = await tempDir();
  const store = SqliteEventStore.inDataDir(dir);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

function event(data: unknown = { n: 1 }): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'ThingRecorded',
    data,
    metadata: {
      actor: { system: 'test' },
      commandId: randomUUID(),
      commandType: 'RecordThing',
      correlationId: 'corr',
      causationId: 'cause',
      occurredAt: '2026-11-22T10:00:00.000Z',
    },
  };
}

/** Runs a script in a separate Node process with better-sqlite3 at hand; returns its output. */
async function inOtherProcess(script: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: process.cwd() });
  return stdout.trim();
}

describe('SqliteEventStore (file specifics)', () => {
  let dir: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (): SqliteEventStore => {
    const store = new SqliteEventStore(file, { busyTimeoutMs: 50 });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'events.db');
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps events, revisions, positions and the hash chain across a reopen', async () => {
    const first = open();
    await first.append('order-1', [event(), event()], 'no_stream');
    const { position } = await first.append('order-2', [event()], 'no_stream');
    const before = await first.readStream('order-1');
    await first.close();

    const second = open();
    expect(await second.headPosition()).toBe(position);
    expect(await second.readStream('order-1')).toEqual(before);
    await expect(second.append('order-1', [event()], 'no_stream')).rejects.toMatchObject({ actual: 1 });
    const next = await second.append('order-1', [event()], 1);
    expect(next.nextRevision).toBe(2);
    expect(next.position).toBe(position + 1n);
    expect(findChainBreak(await second.readStream('order-1'))).toBeUndefined();
  });

  it('refuses a second writer in this process while the file is open, and allows it after close', async () => {
    const first = open();
    await first.append('order-1', [event()], 'no_stream');
    expect(() => open()).toThrow(EventStoreLockedError);
    await first.close();
    expect(await open().readStream('order-1')).toHaveLength(1);
  });

  it('locks out other processes until closed', async () => {
    const store = open();
    await store.append('order-1', [event(), event()], 'no_stream');
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)}, { timeout: 50 });
      try { console.log(db.prepare('SELECT count(*) AS n FROM events').get().n); }
      catch (error) { console.log(error.code); }
      finally { db.close(); }`;
    expect(await inOtherProcess(script)).toBe('SQLITE_BUSY');
    await store.close();
    expect(await inOtherProcess(script)).toBe('2');
  });

  it('close() writes the appends already queued, then refuses new ones and ends subscriptions', async () => {
    const store = open();
    const subscription = store.subscribeToAll()[Symbol.asyncIterator]();
    expect((await subscription.next()).value).toEqual({ kind: 'caughtUp', position: undefined });
    const waiting = subscription.next();

    const queued = Array.from({ length: 20 }, (_, i) => store.append(`s-${i}`, [event()], 'no_stream'));
    await store.close();
    expect((await Promise.allSettled(queued)).map((s) => s.status)).toEqual(Array(20).fill('fulfilled'));
    await expect(store.append('s-x', [event()], 'any')).rejects.toBeInstanceOf(StoreClosedError);
    expect(await waiting).toEqual({ done: true, value: undefined });

    const reopened = open();
    expect(await reopened.readAll()).toHaveLength(20);
  });

  describe('event ids are unique across the store', () => {
    it('refuses an id already stored in another stream', async () => {
      const store = open();
      const shared = event();
      await store.append('order-1', [shared], 'no_stream');
      await expect(store.append('order-2', [shared], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append('order-2', [event(), shared], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.readStream('order-2')).toEqual([]);
    });

    it('calls a partly matching retry a duplicate', async () => {
      const store = open();
      const [a, b] = [event(), event()];
      await store.append('order-1', [a, b], 'no_stream');
      await expect(store.append('order-1', [a, event()], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append('order-1', [a, b, event()], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
    });

    it('calls the same events at the current revision a duplicate rather than writing them twice', async () => {
      const store = open();
      const a = event();
      await store.append('order-1', [a], 'no_stream');
      await expect(store.append('order-1', [a], 0)).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.readStream('order-1')).toHaveLength(1);
    });

    it('rolls back only the failing append of a group commit, including its first events', async () => {
      const store = open();
      const taken = event();
      await store.append('other', [taken], 'no_stream');
      const halfWritten = event();
      const [before, failing, after] = await Promise.allSettled([
        store.append('order-1', [event()], 'no_stream'),
        store.append('order-1', [halfWritten, taken], 0),
        store.append('order-1', [event()], 0),
      ]);
      expect(before).toMatchObject({ status: 'fulfilled', value: { nextRevision: 0 } });
      expect(failing).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateEventIdError) });
      expect(after).toMatchObject({ status: 'fulfilled', value: { nextRevision: 1 } });
      const stored = await store.readAll();
      expect(stored.map((e) => e.eventId)).not.toContain(halfWritten.eventId);
      expect(stored.map((e) => e.position)).toEqual([1n, 2n, 3n]);
    });
  });

  it('in one group commit of one-event appends, refuses each bad one alone and writes the rest gap-free, each chained once', async () => {
    const store = open();
    const stored = event();
    await store.append('order-0', [stored], 'no_stream');
    const twice = event();
    const results = await Promise.allSettled([
      store.append('order-1', [event()], 'no_stream'),
      store.append('order-1', [event()], 'no_stream'), // lost the race to the one before
      store.append('order-2', [twice], 'no_stream'),
      store.append('order-3', [twice], 'no_stream'), // its id taken earlier in this very batch
      store.append('order-4', [event({ ratio: Number.NaN })], 'no_stream'),
      store.append('order-0', [stored], 'no_stream'), // a retry of a stored event: answered as then
      store.append('order-1', [event()], 0),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(results[5]).toMatchObject({ value: { nextRevision: 0, position: 1n } });
    const log = await store.readAll();
    expect(log.map((e) => [e.streamId, e.revision, e.position])).toEqual([['order-0', 0, 1n], ['order-1', 0, 2n], ['order-2', 0, 3n], ['order-1', 1, 4n]]);
    for (const streamId of ['order-0', 'order-1', 'order-2']) expect(findChainBreak(await store.readStream(streamId))).toBeUndefined();
  });

  describe('refused appends', () => {
    it('refuses data canonical JSON cannot hold, without failing the rest of the batch', async () => {
      const store = open();
      const [good, bad] = await Promise.allSettled([
        store.append('order-1', [event()], 'no_stream'),
        store.append('order-2', [event(), event({ ratio: Number.NaN })], 'no_stream'),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(bad).toMatchObject({ status: 'rejected', reason: expect.any(AppendRejectedError) });
      expect(await store.readStream('order-2')).toEqual([]);
    });

    it('refuses an append over the size limit, bad ids, system names and bad expectations', async () => {
      const store = new SqliteEventStore(file, { maxAppendBytes: 4096 });
      opened.push(store);
      const rejected = (promise: Promise<unknown>): Promise<void> => expect(promise).rejects.toBeInstanceOf(AppendRejectedError);
      await rejected(store.append('order-1', [event({ text: 'x'.repeat(5000) })], 'any'));
      await rejected(store.append('order-1', [{ ...event(), eventId: 'not-a-uuid' }], 'any'));
      await rejected(store.append('$system', [event()], 'any'));
      await rejected(store.append('order-1', [{ ...event(), type: '$internal' }], 'any'));
      await rejected(store.append('order-1', [event()], -1));
      await rejected(store.append('order-1', [{ ...event(), schemaVersion: 0 }], 'any'));
      expect(await store.headPosition()).toBeUndefined();
    });
  });

  it('refuses an empty filter list instead of guessing what it means', async () => {
    const store = open();
    await expect(store.readAll({ filter: { eventTypes: [] } })).rejects.toBeInstanceOf(RangeError);
  });
});
