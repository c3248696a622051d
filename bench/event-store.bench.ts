// Append and read figures of the embedded event store, beside raw better-sqlite3 yardsticks
// measured in the same run on the same disk (FACTS.md has the reference figures).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, NewEvent, RecordedEvent } from '../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import type { Figure } from './figure.js';

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

async function withStore<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
  return inTempDir(async (dir) => {
    const store = SqliteEventStore.inDataDir(dir);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  });
}

/** Events per second of `writers` loops, each appending one event to a new stream until time is up. */
function appendThroughput(writers: number, seconds: number): Promise<number> {
  return withStore(async (store) => {
    let appended = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; performance.now() < deadline; i++) {
        await store.append(`order-${w}-${i}`, [newEvent(i)], 'no_stream');
        appended += 1;
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    return appended / ((performance.now() - started) / 1000);
  });
}

/** Raw better-sqlite3 inserts into the same table shape, `perTransaction` rows per commit. */
function rawInsertThroughput(synchronous: 'FULL' | 'NORMAL', perTransaction: number, seconds: number): Promise<number> {
  return inTempDir(async (dir) => {
    const db = new Database(join(dir, 'raw.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
        event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
        recorded_at TEXT NOT NULL, UNIQUE (stream_id, revision))`);
      const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)');
      const sample = newEvent(0);
      const metadata = JSON.stringify({ ...sample.metadata, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) });
      let n = 0;
      const commit = db.transaction(() => {
        for (let k = 0; k < perTransaction; k++, n++) {
          insert.run(`order-${n}`, randomUUID(), 'OrderPlaced', JSON.stringify(eventData(n)), metadata, new Date().toISOString());
        }
      });
      const started = performance.now();
      const deadline = started + seconds * 1000;
      while (performance.now() < deadline) commit();
      return n / ((performance.now() - started) / 1000);
    } finally {
      db.close();
    }
  });
}

/** Median time to read a 1,000-event stream and fold it into a state. */
function loadAndFold(): Promise<number> {
  return withStore(async (store) => {
    for (let i = 0; i < 10; i++) {
      await store.append('order-1', Array.from({ length: 100 }, (_, k) => newEvent(i * 100 + k)), i === 0 ? 'no_stream' : i * 100 - 1);
    }
    const fold = (events: RecordedEvent[]): { count: number; quantity: number } =>
      events.reduce(
        (state, event) => {
          const data = event.data as { lines: { quantity: number }[] };
          return { count: state.count + 1, quantity: state.quantity + data.lines.reduce((sum, line) => sum + line.quantity, 0) };
        },
        { count: 0, quantity: 0 },
      );
    const times: number[] = [];
    for (let run = 0; run < 30; run++) {
      const started = performance.now();
      const state = fold(await store.readStream('order-1'));
      times.push(performance.now() - started);
      if (state.count !== 1000) throw new Error(`folded ${state.count} events, expected 1000`);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  });
}

export async function eventStoreBench({ secondsPerCase = 3 }: EventStoreBenchOptions = {}): Promise<Figure[]> {
  return [
    { name: 'append, 1 writer, sequential (1 event per append)', value: await appendThroughput(1, secondsPerCase), unit: 'events/s' },
    { name: 'append, 64 concurrent writers, distinct streams', value: await appendThroughput(64, secondsPerCase), unit: 'events/s' },
    { name: 'raw better-sqlite3 insert, FULL, 1 per transaction', value: await rawInsertThroughput('FULL', 1, secondsPerCase), unit: 'events/s', note: 'yardstick' },
    { name: 'raw better-sqlite3 insert, NORMAL, 100 per transaction', value: await rawInsertThroughput('NORMAL', 100, secondsPerCase), unit: 'events/s', note: 'yardstick' },
    { name: 'load and fold a 1,000-event stream (median of 30)', value: await loadAndFold(), unit: 'ms' },
  ];
}
