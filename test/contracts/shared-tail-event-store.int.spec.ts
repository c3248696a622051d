// The shared tail (src/eventstore/shared-tail) keeps the EventStore contract over both adapters,
// with its default window and with a window of two events (every subscription falls off it and
// catches up on its own, again and again). Then what it is for: subscribers at the live end share
// one read of the store; a slow one stalls no other and still misses nothing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EventStore, NewEvent, Position, RecordedEvent, SubscribeOptions, SubscriptionMessage } from '../../src/eventstore/event-store.port.js';
import { EsdbEventStore } from '../../src/eventstore/esdb/esdb-event-store.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { SharedTailEventStore } from '../../src/eventstore/shared-tail/shared-tail-event-store.js';
import { EsdbDouble } from '../esdb-double/esdb-double.js';
import { CountingEventStore } from '../support/counting-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'orderstream-tail-'));

function sqliteUnderTest(windowEvents?: number) {
  return async () => {
    const dir = await tempDir();
    const store = new SharedTailEventStore(SqliteEventStore.inDataDir(dir), windowEvents === undefined ? {} : { windowEvents });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
}

eventStoreContract('SharedTailEventStore over SqliteEventStore', sqliteUnderTest());
eventStoreContract('SharedTailEventStore over SqliteEventStore, a window of 2 events', sqliteUnderTest(2));

describe('SharedTailEventStore over the EventStoreDB adapter (gRPC test double)', () => {
  let double: EsdbDouble;
  beforeAll(async () => {
    double = await EsdbDouble.start();
  });
  afterAll(() => {
    double.stop();
  });
  eventStoreContract('SharedTailEventStore over EsdbEventStore', async () => {
    const store = new SharedTailEventStore(EsdbEventStore.connect(double.connectionString));
    return { store, cleanup: () => store.close() };
  });
});

function event(type: string, n: number): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data: { n },
    metadata: { actor: { system: 'test' }, commandId: randomUUID(), commandType: 'Record', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-03T10:00:00.000Z' },
  };
}

/**
 * A subscription driven by hand: it asks for its first message at once (so it has joined when
 * made), then pulls only when told, as a consumer at its own pace does.
 */
class Follower {
  readonly events: RecordedEvent[] = [];
  caughtUp = 0;
  private readonly abort = new AbortController();
  private readonly iterator: AsyncIterator<SubscriptionMessage>;
  private pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;

  constructor(store: EventStore, options: Omit<SubscribeOptions, 'signal'> = {}) {
    this.iterator = store.subscribeToAll({ ...options, signal: this.abort.signal })[Symbol.asyncIterator]();
    this.pending = this.iterator.next();
  }

  /** Pulls until `count` events have arrived in all (a caught-up marker does not count). */
  async pullUntil(count: number): Promise<void> {
    while (this.events.length < count) {
      const result = await (this.pending ?? this.iterator.next());
      this.pending = undefined;
      if (result.done) throw new Error(`the subscription ended after ${this.events.length} events`);
      if (result.value.kind === 'event') this.events.push(result.value.event);
      else this.caughtUp += 1;
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.pending;
    await this.iterator.return?.();
  }
}

describe('SharedTailEventStore on the embedded store', () => {
  let dir: string;
  let sqlite: SqliteEventStore;
  let counting: CountingEventStore;
  let store: SharedTailEventStore;
  const followers: Follower[] = [];
  const follow = (options?: Omit<SubscribeOptions, 'signal'>): Follower => {
    const follower = new Follower(store, options);
    followers.push(follower);
    return follower;
  };
  const open = (windowEvents: number): void => {
    counting = new CountingEventStore(sqlite);
    store = new SharedTailEventStore(counting, { windowEvents });
  };

  beforeEach(async () => {
    dir = await tempDir();
    sqlite = SqliteEventStore.inDataDir(dir);
  });

  afterEach(async () => {
    await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    await sqlite.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads each live event from the store once, however many subscribers follow the tail', async () => {
    open(1000);
    const head = await sqlite.append('seed', [event('Seeded', 0)], 'no_stream');
    const subscribers = Array.from({ length: 12 }, () => follow({ after: head.position }));
    // Each joins at the head: nothing to catch up on, so nothing read on its own.
    for (let i = 0; i < 100; i++) await sqlite.append(`s-${i % 7}`, [event('Happened', i), event('Happened', i)], 'any');
    await Promise.all(subscribers.map((subscriber) => subscriber.pullUntil(200)));
    for (const subscriber of subscribers) expect(subscriber.events.map((e) => e.data)).toEqual(Array.from({ length: 200 }, (_, i) => ({ n: i >> 1 })));
    expect(counting.subscriptions).toBe(1);
    expect(counting.subscribedEvents).toBe(200);
    expect(counting.readAllEvents).toBe(0);
  });

  it('delivers to fast subscribers while a slow one pulls nothing, and the slow one misses nothing when it comes back', async () => {
    open(8);
    const numbers = (follower: Follower) => follower.events.map((e) => (e.data as { n: number }).n);
    const fast = [follow(), follow({ filter: { eventTypes: ['Even'] } })];
    const slow = follow();
    await sqlite.append('start', [event('Even', -2)], 'no_stream');
    // All three have joined; then the slow one pulls nothing while 60 events are written.
    await Promise.all([...fast, slow].map((follower) => follower.pullUntil(1)));
    for (let i = 0; i < 60; i++) {
      await sqlite.append(`s-${i}`, [event(i % 2 === 0 ? 'Even' : 'Odd', i)], 'no_stream');
      await fast[0]!.pullUntil(i + 2);
      await fast[1]!.pullUntil(Math.floor(i / 2) + 2);
    }
    expect(numbers(fast[0]!)).toEqual([-2, ...Array.from({ length: 60 }, (_, i) => i)]);
    expect(numbers(fast[1]!)).toEqual([-2, ...Array.from({ length: 30 }, (_, i) => 2 * i)]);
    expect(counting.readAllEvents).toBe(0);
    // The slow one fell off the window of 8: it catches up by its own reads, in order, no gap, no repeat.
    await slow.pullUntil(61);
    expect(numbers(slow)).toEqual([-2, ...Array.from({ length: 60 }, (_, i) => i)]);
    expect(counting.readAllEvents).toBeGreaterThan(0);
    expect(counting.subscriptions).toBe(1);
  });

  it('hands a new subscription nothing the tail read before it began (a rebuild after an erasure sees every event as the store shows it now)', async () => {
    // A decorator below the tail whose reads depend on when they happen, as opening personal data does.
    let shownAs = 'before';
    const stamping = Object.create(sqlite) as SqliteEventStore;
    const stamp = (event: RecordedEvent): RecordedEvent => ({ ...event, data: { ...(event.data as object), shownAs } });
    stamping.readAll = async (options) => (await sqlite.readAll(options)).map(stamp);
    stamping.subscribeToAll = (options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const message of sqlite.subscribeToAll(options)) yield message.kind === 'event' ? { kind: 'event', event: stamp(message.event) } : message;
      },
    });
    store = new SharedTailEventStore(stamping, { windowEvents: 100 });
    const early = follow();
    for (let i = 0; i < 5; i++) await sqlite.append(`s-${i}`, [event('Happened', i)], 'no_stream');
    await early.pullUntil(5);
    expect(early.events.map((e) => (e.data as { shownAs: string }).shownAs)).toEqual(Array(5).fill('before'));
    shownAs = 'after'; // e.g. a subject's key destroyed
    const late = follow();
    await sqlite.append('s-5', [event('Happened', 5)], 'no_stream');
    await late.pullUntil(6);
    expect(late.events.map((e) => (e.data as { shownAs: string }).shownAs)).toEqual(Array(6).fill('after'));
  });

  it('gives every subscriber, at any pace and with any filter, exactly the matching events after its checkpoint, in order', async () => {
    const types = ['A', 'B', 'C'];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ type: fc.constantFrom(...types), count: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 25 }),
        fc.array(
          fc.record({ from: fc.nat(20), types: fc.option(fc.subarray(types, { minLength: 1 }), { nil: undefined }), pullEvery: fc.integer({ min: 1, max: 6 }) }),
          { minLength: 1, maxLength: 5 },
        ),
        async (windowEvents, appends, shapes) => {
          await Promise.all(followers.splice(0).map((follower) => follower.stop()));
          open(windowEvents);
          const before = (await sqlite.headPosition()) ?? 0n;
          // Some history before the subscribers start, so they begin behind the window, at it, or in it.
          const written: RecordedEvent[] = [];
          for (let i = 0; i < 20; i++) await sqlite.append(`h-${randomUUID()}`, [event(types[i % 3]!, i)], 'no_stream');
          const subscribers = shapes.map((shape) => ({
            ...shape,
            after: (before + BigInt(shape.from)) as Position,
            follower: follow({ after: before + BigInt(shape.from), ...(shape.types ? { filter: { eventTypes: shape.types } } : {}) }),
          }));
          const expectedOf = (s: (typeof subscribers)[number]) => written.filter((e) => e.position > s.after && (!s.types || s.types.includes(e.type)));
          for (const [i, { type, count }] of appends.entries()) {
            await sqlite.append(`p-${randomUUID()}`, Array.from({ length: count }, (_, j) => event(type, j)), 'no_stream');
            written.splice(0, written.length, ...(await sqlite.readAll({ after: before })));
            // Each pulls a few at its own pace between appends: some keep up, some fall behind.
            await Promise.all(
              subscribers.map((s) => (i % s.pullEvery === 0 ? s.follower.pullUntil(Math.min(s.follower.events.length + s.pullEvery, expectedOf(s).length)) : undefined)),
            );
          }
          for (const s of subscribers) {
            const expected = expectedOf(s);
            await s.follower.pullUntil(expected.length);
            expect(s.follower.events.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
