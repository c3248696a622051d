// Append and read figures of the embedded event store, beside raw better-sqlite3 yardsticks
// measured in the same run on the same disk, in alternating turns.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, NewEvent, RecordedEvent } from '../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';

export interface EventStoreBenchOptions {
  /** How long each throughput case runs. */
  secondsPerCase?: number;
}

// ~300 bytes of JSON data, like an OrderPlaced with two lines.
function eventData(i: number): unknown {
  return {
    orderId: `order-${i}`,
    customerId: 'customer-000042',
    lines: [
      { productId: 'product-00000001', sku: 'SKU-0001', quantity: 2, unitPrice: { amount: 1999, currency: 'EUR' } },
      { productId: 'product-00000002', sku: 'SKU-0002', quantity: 1, unitPrice: { amount: 4999, currency: 'EUR' } },
    ],
    shippingAddress: { line1: '1 Example Street', city: 'Utrecht', postcode: '3511 AA', country: 'NL' },
  };
}

function newEvent(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    data: eventData(i),
    metadata: {
      actor: { userId: 'user-1', roles: ['customer'] },
      commandId: randomUUID(),
      commandType: 'PlaceOrder',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      occurredAt: '2026-11-22T10:00:00.000Z',
    },
  };
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Something measured in slices: each call runs for about `ms` and says how many events it wrote. */
type Slice = (ms: number) => Promise<number>;

/** `writers` loops, each appending one event to a new stream until the slice's time is up. */
function appendSlices(store: EventStore, writers: number): Slice {
  let next = 0;
  return async (ms) => {
    let appended = 0;
    const deadline = performance.now() + ms;
    const writer = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const i = next++;
        await store.append(`order-${i}`, [newEvent(i)], 'no_stream');
        appended += 1;
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    return appended;
  };
}

/** Raw better-sqlite3 inserts into the same table shape, `perTransaction` rows per commit. */
function rawInsertSlices(db: Database.Database, synchronous: 'FULL' | 'NORMAL', perTransaction: number): Slice {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
    recorded_at TEXT NOT NULL, UNIQUE (stream_id, revision))`);
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)');
  const metadata = JSON.stringify({ ...newEvent(0).metadata, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) });
  let n = 0;
  const commit = db.transaction(() => {
    for (let k = 0; k < perTransaction; k++, n++) {
      insert.run(`order-${n}`, randomUUID(), 'OrderPlaced', JSON.stringify(eventData(n)), metadata, new Date().toISOString());
    }
  });
  return async (ms) => {
    const before = n;
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) commit();
    return n - before;
  };
}

/**
 * The store and its yardsticks measured in turns (yardsticks, store, yardsticks, store, ...), so
 * all see the same disk and the same neighbours on a shared machine; events/s of each.
 */
async function inTurns(yardsticks: readonly Slice[], ours: Slice, seconds: number, turns = 6): Promise<{ ours: number; yardsticks: number[] }> {
  const sides = [...yardsticks, ours];
  const total = sides.map(() => ({ events: 0, ms: 0 }));
  const sliceMs = (seconds * 1000) / turns;
  for (let turn = 0; turn < turns; turn++) {
    for (const [side, slice] of sides.entries()) {
      const started = performance.now();
      total[side]!.events += await slice(sliceMs);
      total[side]!.ms += performance.now() - started;
    }
  }
  const perSecond = total.map(({ events, ms }) => events / (ms / 1000));
  return { ours: perSecond.at(-1)!, yardsticks: perSecond.slice(0, -1) };
}

/** Appends by `writers` concurrent writers against raw inserts of each of `perTransaction` rows per FULL commit. */
function appendAgainstRaw(writers: number, perTransaction: readonly number[], seconds: number): Promise<{ ours: number; yardsticks: number[] }> {
  return inTempDir(async (dir) => {
    const store = SqliteEventStore.inDataDir(dir);
    const raws = perTransaction.map((rows) => new Database(join(dir, `raw-${rows}.db`)));
    try {
      return await inTurns(raws.map((raw, i) => rawInsertSlices(raw, 'FULL', perTransaction[i]!)), appendSlices(store, writers), seconds);
    } finally {
      for (const raw of raws) raw.close();
      await store.close();
    }
  });
}

type Fold = { count: number; quantity: number };
function foldOne(state: Fold, data: unknown): Fold {
  const { lines } = data as { lines: { quantity: number }[] };
  return { count: state.count + 1, quantity: state.quantity + lines.reduce((sum, line) => sum + line.quantity, 0) };
}

function medianMs(runs: number, once: () => Promise<void> | void): Promise<number> {
  return (async () => {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await once();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  })();
}

/**
 * Median time to read a 1,000-event stream and fold it into a state through the store, and the
 * same read done raw in the same run (SELECT of the stream's rows + JSON.parse of data and
 * metadata + the same fold) on the same file.
 */
function loadAndFold(): Promise<{ storeMs: number; rawMs: number }> {
  return inTempDir(async (dir) => {
    const check = (state: Fold) => {
      if (state.count !== 1000) throw new Error(`folded ${state.count} events, expected 1000`);
    };
    const store = SqliteEventStore.inDataDir(dir);
    let storeMs: number;
    try {
      for (let i = 0; i < 10; i++) {
        await store.append('order-1', Array.from({ length: 100 }, (_, k) => newEvent(i * 100 + k)), i === 0 ? 'no_stream' : i * 100 - 1);
      }
      storeMs = await medianMs(30, async () => check((await store.readStream('order-1')).reduce((state: Fold, event: RecordedEvent) => foldOne(state, event.data), { count: 0, quantity: 0 })));
    } finally {
      await store.close();
    }
    // The store holds its file exclusively: the raw read opens it after.
    const raw = new Database(join(dir, 'events.db'), { readonly: true });
    try {
      const select = raw.prepare<[string], { data: string; metadata: string }>('SELECT data, metadata FROM events WHERE stream_id = ? ORDER BY revision');
      const rawMs = await medianMs(30, () => {
        let state: Fold = { count: 0, quantity: 0 };
        for (const row of select.all('order-1')) {
          JSON.parse(row.metadata);
          state = foldOne(state, JSON.parse(row.data));
        }
        check(state);
      });
      return { storeMs, rawMs };
    } finally {
      raw.close();
    }
  });
}

export interface EventStoreFigures {
  sequential: number;
  concurrent: number;
  rawFull1: number;
  rawFull100: number;
  /**
   * Raw FULL with 64 rows per commit: the most 64 writers with one append in flight each can ever
   * share an fsync, so this is what a perfect group commit of that workload reaches.
   */
  rawFull64: number;
  foldMs: number;
  rawFoldMs: number;
}

export async function eventStoreBench({ secondsPerCase = 3 }: EventStoreBenchOptions = {}): Promise<EventStoreFigures> {
  const sequential = await appendAgainstRaw(1, [1], secondsPerCase * 2);
  const concurrent = await appendAgainstRaw(64, [100, 64], secondsPerCase * 2);
  const { storeMs, rawMs } = await loadAndFold();
  return {
    sequential: sequential.ours, concurrent: concurrent.ours, rawFull1: sequential.yardsticks[0]!, rawFull100: concurrent.yardsticks[0]!, rawFull64: concurrent.yardsticks[1]!,
    foldMs: storeMs, rawFoldMs: rawMs,
  };
}
