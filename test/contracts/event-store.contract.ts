// The EventStore contract: the executable definition of the port (DESIGN.md). Every adapter
// runs these same tests, so nothing here may depend on one engine. Each test writes to streams
// under its own random prefix and reads $all after the head it found, so the suite also runs
// against a shared, non-empty server.
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  AppendRejectedError,
  DuplicateEventIdError,
  WrongExpectedRevisionError,
} from '../../src/eventstore/event-store.errors.js';
import type {
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  SubscriptionMessage,
} from '../../src/eventstore/event-store.port.js';
import { GENESIS_HASH, findChainBreak } from '../../src/eventstore/hash-chain.js';

export interface StoreUnderTest {
  store: EventStore;
  cleanup(): Promise<void>;
}

const unique = (): string => randomUUID().slice(0, 8);

function metadata(): EventMetadata {
  return {
    actor: { userId: 'user-1', roles: ['clerk'] },
    commandId: randomUUID(),
    commandType: 'RecordThing',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    occurredAt: '2026-11-22T10:00:00.000Z',
  };
}

function newEvent(type = 'ThingRecorded', data: unknown = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type, data, metadata: metadata() };
}

function newEvents(count: number, type?: string): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent(type, { i }));
}

const ids = (events: readonly { eventId: string }[]): string[] => events.map((e) => e.eventId);
const revisions = (events: readonly RecordedEvent[]): number[] => events.map((e) => e.revision);

function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  positions.slice(1).forEach((position, i) => expect(position > positions[i]!).toBe(true));
}

/** Awaits a rejection and checks its class and fields. */
async function expectRejection(promise: Promise<unknown>, type: abstract new (...args: never[]) => Error, fields: Record<string, unknown> = {}): Promise<void> {
  const error = await promise.then(
    () => new Error('expected a rejection, got a result'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  expect(error).toMatchObject(fields);
}

/** Next `count` messages of a subscription (the iterator must not end before). */
async function take(iterator: AsyncIterator<SubscriptionMessage>, count: number): Promise<SubscriptionMessage[]> {
  const messages: SubscriptionMessage[] = [];
  while (messages.length < count) {
    const next = await iterator.next();
    if (next.done) throw new Error(`subscription ended after ${messages.length} of ${count} messages`);
    messages.push(next.value);
  }
  return messages;
}

const eventsOf = (messages: readonly SubscriptionMessage[]): RecordedEvent[] =>
  messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));

/** The model of expected-revision checks: `current` is the last revision, -1 for no stream. */
function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  if (expected === 'stream_exists') return current >= 0;
  return expected === current;
}

export function eventStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let prefix: string;
    const stream = (suffix: string): string => `${prefix}${suffix}`;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
      prefix = `t${unique()}-`;
    });

    afterEach(async () => {
      await cleanup();
    });

    describe('expected revision', () => {
      it('no_stream creates a stream and fails once it exists', async () => {
        const id = stream('order');
        const first = await store.append(id, newEvents(2), 'no_stream');
        expect(first.nextRevision).toBe(1);
        expect(typeof first.position).toBe('bigint');
        await expectRejection(store.append(id, newEvents(1), 'no_stream'), WrongExpectedRevisionError, { streamId: id, expected: 'no_stream', actual: 1 });
      });

      it('an exact revision succeeds only when it is the last revision', async () => {
        const id = stream('order');
        await store.append(id, newEvents(2), 'no_stream');
        await expectRejection(store.append(id, newEvents(1), 0), WrongExpectedRevisionError, { actual: 1 });
        await expectRejection(store.append(id, newEvents(1), 2), WrongExpectedRevisionError, { actual: 1 });
        expect((await store.append(id, newEvents(3), 1)).nextRevision).toBe(4);
      });

      it('an exact revision fails on a missing stream with actual no_stream', async () => {
        await expectRejection(store.append(stream('missing'), newEvents(1), 0), WrongExpectedRevisionError, { expected: 0, actual: 'no_stream' });
      });

      it('stream_exists fails on a missing stream and succeeds on an existing one', async () => {
        const id = stream('order');
        await expectRejection(store.append(id, newEvents(1), 'stream_exists'), WrongExpectedRevisionError, { actual: 'no_stream' });
        await store.append(id, newEvents(1), 'no_stream');
        expect((await store.append(id, newEvents(1), 'stream_exists')).nextRevision).toBe(1);
      });

      it('any appends whether or not the stream exists', async () => {
        const id = stream('order');
        expect((await store.append(id, newEvents(1), 'any')).nextRevision).toBe(0);
        expect((await store.append(id, newEvents(2), 'any')).nextRevision).toBe(2);
      });

      it('a failed expectation writes nothing', async () => {
        const id = stream('order');
        const written = newEvents(2);
        await store.append(id, written, 'no_stream');
        const head = await store.headPosition();
        await expect(store.append(id, newEvents(2), 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(ids(await store.readStream(id))).toEqual(ids(written));
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('idempotent append by event id', () => {
      it('a retry at the original exact revision answers the original result and writes nothing', async () => {
        const id = stream('order');
        await store.append(id, newEvents(1), 'no_stream');
        const batch = newEvents(2);
        const original = await store.append(id, batch, 0);
        await store.append(id, newEvents(1), 2); // the stream moves on before the retry arrives
        const head = await store.headPosition();

        expect(await store.append(id, batch, 0)).toEqual(original);
        expect(revisions(await store.readStream(id))).toEqual([0, 1, 2, 3]);
        expect(await store.headPosition()).toBe(head);
      });

      it('a retry with no_stream or any is acknowledged the same way', async () => {
        const created = newEvents(2);
        const id = stream('order');
        const original = await store.append(id, created, 'no_stream');
        expect(await store.append(id, created, 'no_stream')).toEqual(original);
        expect(await store.append(id, created, 'any')).toEqual(original);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('the same events under an expectation that would not have let them in fail', async () => {
        const id = stream('order');
        const batch = newEvents(2);
        await store.append(id, batch, 'no_stream');
        await expectRejection(store.append(id, batch, 7), WrongExpectedRevisionError, { actual: 1 });
        expect(ids(await store.readStream(id))).toEqual(ids(batch));
      });

      it('a partly matching retry is refused and writes nothing', async () => {
        const id = stream('order');
        const batch = newEvents(2);
        await store.append(id, batch, 'no_stream');
        const head = await store.headPosition();
        const error = await store.append(id, [batch[0]!, newEvent()], 'no_stream').catch((e: unknown) => e);
        // EventStoreDB calls this a wrong expected version; stores that index ids may say duplicate.
        expect(error instanceof DuplicateEventIdError || error instanceof WrongExpectedRevisionError).toBe(true);
        expect(ids(await store.readStream(id))).toEqual(ids(batch));
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('refused appends', () => {
      it('refuses an append without events', async () => {
        await expect(store.append(stream('order'), [], 'any')).rejects.toBeInstanceOf(AppendRejectedError);
      });

      it('refuses data that is not JSON, and writes nothing of that append', async () => {
        const id = stream('order');
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await expect(store.append(id, [newEvent(), newEvent('Bad', { big: 1n })], 'any')).rejects.toBeInstanceOf(AppendRejectedError);
        await expect(store.append(id, [newEvent('Bad', circular)], 'any')).rejects.toBeInstanceOf(AppendRejectedError);
        expect(await store.readStream(id)).toEqual([]);
      });
    });

    describe('readStream', () => {
      let id: string;
      let written: NewEvent[];

      beforeEach(async () => {
        id = stream('order');
        written = newEvents(5);
        await store.append(id, written.slice(0, 2), 'no_stream');
        await store.append(id, written.slice(2), 1);
      });

      it('returns an empty array for a missing stream', async () => {
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('reads forwards by default, from an inclusive revision, up to maxCount', async () => {
        expect(ids(await store.readStream(id))).toEqual(ids(written));
        expect(revisions(await store.readStream(id, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(id, { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(await store.readStream(id, { fromRevision: 5 })).toEqual([]);
      });

      it('reads backwards from the end or from an inclusive revision', async () => {
        expect(revisions(await store.readStream(id, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(id, { direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual([3, 2]);
        expect(revisions(await store.readStream(id, { direction: 'backwards', fromRevision: 99, maxCount: 1 }))).toEqual([4]);
      });
    });

    describe('readAll', () => {
      it('returns events of all streams in append order with strictly increasing positions', async () => {
        const start = await store.headPosition();
        const a = newEvents(2);
        const b = newEvents(1);
        const c = newEvents(2);
        const results = [
          await store.append(stream('a'), a, 'no_stream'),
          await store.append(stream('b'), b, 'no_stream'),
          await store.append(stream('a'), c, 1),
        ];
        const all = await store.readAll({ after: start, filter: { streamPrefixes: [prefix] } });
        expect(ids(all)).toEqual(ids([...a, ...b, ...c]));
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect(results.map((r) => r.position)).toEqual([all[1]!.position, all[2]!.position, all[4]!.position]);
        expect(await store.headPosition()).toBe(all[4]!.position);
        if (start !== undefined) expect(all[0]!.position > start).toBe(true);
      });

      it('pages with an exclusive `after` and maxCount', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 4; i++) await store.append(stream(`s${i}`), newEvents(2), 'no_stream');
        const filter = { streamPrefixes: [prefix] };
        const everything = await store.readAll({ after: start, filter });
        const paged: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ after, maxCount: 3, filter });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          paged.push(...page);
          after = page[page.length - 1]!.position;
        }
        expect(ids(paged)).toEqual(ids(everything));
        expect(everything).toHaveLength(8);
      });

      it('filters by stream prefix, taking prefixes literally', async () => {
        const start = await store.headPosition();
        await store.append(stream('order-1'), newEvents(1), 'no_stream');
        await store.append(stream('product-1'), newEvents(1), 'no_stream');
        await store.append(stream('order_2'), newEvents(1), 'no_stream');
        await store.append(stream('orders%3'), newEvents(1), 'no_stream');
        await store.append(stream('order-2'), newEvents(1), 'no_stream');
        const streams = async (prefixes: string[]): Promise<string[]> =>
          (await store.readAll({ after: start, filter: { streamPrefixes: prefixes } })).map((e) => e.streamId);

        expect(await streams([stream('order-')])).toEqual([stream('order-1'), stream('order-2')]);
        expect(await streams([stream('order_')])).toEqual([stream('order_2')]);
        expect(await streams([stream('orders%')])).toEqual([stream('orders%3')]);
        expect(await streams([stream('product-'), stream('order-2')])).toEqual([stream('product-1'), stream('order-2')]);
      });

      it('filters by event type, alone and with stream prefixes', async () => {
        const start = await store.headPosition();
        const placed = `OrderPlaced${unique()}`;
        const shipped = `OrderShipped${unique()}`;
        await store.append(stream('order-1'), [newEvent(placed), newEvent(shipped)], 'no_stream');
        await store.append(stream('order-2'), [newEvent(placed)], 'no_stream');
        await store.append(stream('product-1'), [newEvent(shipped)], 'no_stream');
        const read = async (filter: { streamPrefixes?: string[]; eventTypes?: string[] }): Promise<string[]> =>
          (await store.readAll({ after: start, filter })).map((e) => `${e.streamId.slice(prefix.length)}:${e.type}`);

        expect(await read({ eventTypes: [placed] })).toEqual([`order-1:${placed}`, `order-2:${placed}`]);
        expect(await read({ eventTypes: [shipped, placed] })).toEqual([
          `order-1:${placed}`,
          `order-1:${shipped}`,
          `order-2:${placed}`,
          `product-1:${shipped}`,
        ]);
        expect(await read({ eventTypes: [shipped], streamPrefixes: [stream('order-')] })).toEqual([`order-1:${shipped}`]);
      });
    });

    describe('envelope and hash chain', () => {
      it('round-trips every field, adds the chain to the metadata, and the chain verifies', async () => {
        const id = stream('order');
        const first: NewEvent = { ...newEvent('OrderPlaced', { lines: [{ sku: 'A-1', qty: 2 }], note: 'ünïcødé ✓' }), schemaVersion: 2 };
        const second = newEvent('OrderConfirmed', { ok: true });
        second.metadata = { ...second.metadata, actor: { system: 'fulfillment' }, requestId: 'req-9' };
        await store.append(id, [first], 'no_stream');
        const { position } = await store.append(id, [second], 0);
        const [one, two] = await store.readStream(id);

        expect(one).toMatchObject({ streamId: id, revision: 0, eventId: first.eventId, type: 'OrderPlaced', schemaVersion: 2, data: first.data });
        expect(two).toMatchObject({ streamId: id, revision: 1, eventId: second.eventId, schemaVersion: 1, data: { ok: true }, position });
        expect(one!.metadata).toEqual({ ...first.metadata, prevHash: GENESIS_HASH, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(two!.metadata).toEqual({ ...second.metadata, prevHash: one!.metadata.hash, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(new Date(one!.recordedAt).toISOString()).toBe(one!.recordedAt);
        expect(findChainBreak([one!, two!])).toBeUndefined();
      });

      it('the chain spans appends and detects a changed event', async () => {
        const id = stream('order');
        await store.append(id, newEvents(3), 'no_stream');
        await store.append(id, newEvents(2), 2);
        const events = await store.readStream(id);
        expect(findChainBreak(events)).toBeUndefined();

        const tampered = events.map((e) => (e.revision === 3 ? { ...e, data: { i: 42 } } : e));
        expect(findChainBreak(tampered)).toMatchObject({ revision: 3, reason: 'hash_mismatch' });
      });

      it('stores data as JSON and replaces chain fields a writer supplied', async () => {
        const id = stream('order');
        const event = newEvent('Dated', { at: new Date('2026-01-02T03:04:05.000Z'), list: [1, undefined], skip: undefined });
        event.metadata = { ...event.metadata, hash: 'forged', prevHash: 'forged' } as EventMetadata;
        await store.append(id, [event], 'no_stream');
        const [stored] = await store.readStream(id);
        expect(stored!.data).toEqual({ at: '2026-01-02T03:04:05.000Z', list: [1, null] });
        expect(stored!.metadata.prevHash).toBe(GENESIS_HASH);
        expect(findChainBreak([stored!])).toBeUndefined();
      });
    });

    describe('subscribeToAll', () => {
      it('delivers history, then caughtUp once, then live events, and ends on abort without leftovers', async () => {
        const start = await store.headPosition();
        const id = stream('order');
        const history = newEvents(3);
        await store.append(id, history, 'no_stream');
        const abort = new AbortController();
        const iterator = store
          .subscribeToAll({ after: start, filter: { streamPrefixes: [prefix] }, signal: abort.signal })
          [Symbol.asyncIterator]();

        const caughtUp = await take(iterator, 4);
        expect(ids(eventsOf(caughtUp))).toEqual(ids(history));
        const marker = caughtUp[3]!;
        expect(marker.kind).toBe('caughtUp');
        const lastHistoric = eventsOf(caughtUp)[2]!.position;
        expect(marker.kind === 'caughtUp' && marker.position !== undefined && marker.position >= lastHistoric).toBe(true);

        const live = newEvents(2);
        await store.append(id, live, 2);
        const liveMessages = await take(iterator, 2);
        expect(liveMessages.map((m) => m.kind)).toEqual(['event', 'event']);
        expect(ids(eventsOf(liveMessages))).toEqual(ids(live));

        const pending = iterator.next(); // waiting for a commit that never comes
        abort.abort();
        expect(await pending).toEqual({ done: true, value: undefined });
        expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
      });

      it('starts after the checkpoint and applies the filter to history and live events', async () => {
        const start = await store.headPosition();
        const type = `Wanted${unique()}`;
        const { position: checkpoint } = await store.append(stream('a'), [newEvent(type)], 'no_stream');
        const wanted = [newEvent(type), newEvent(type)];
        await store.append(stream('a'), [wanted[0]!, newEvent('Other')], 0);
        await store.append(stream('b'), [newEvent(type)], 'no_stream');
        const abort = new AbortController();
        const iterator = store
          .subscribeToAll({ after: checkpoint, filter: { eventTypes: [type], streamPrefixes: [stream('a')] }, signal: abort.signal })
          [Symbol.asyncIterator]();

        const history = await take(iterator, 2);
        expect(history.map((m) => m.kind)).toEqual(['event', 'caughtUp']);
        expect(ids(eventsOf(history))).toEqual([wanted[0]!.eventId]);

        await store.append(stream('b'), [newEvent(type)], 0);
        await store.append(stream('a'), [newEvent('Other'), wanted[1]!], 2);
        expect(ids(eventsOf(await take(iterator, 1)))).toEqual([wanted[1]!.eventId]);
        abort.abort();
        expect((await iterator.next()).done).toBe(true);
        if (start !== undefined) expect(checkpoint > start).toBe(true);
      });

      it('delivers a long history and events appended while catching up exactly once, in order', async () => {
        const start = await store.headPosition();
        const written: NewEvent[] = [];
        for (let i = 0; i < 12; i++) {
          const batch = newEvents(100);
          await store.append(stream('long'), batch, i === 0 ? 'no_stream' : i * 100 - 1);
          written.push(...batch);
        }
        const abort = new AbortController();
        const iterator = store
          .subscribeToAll({ after: start, filter: { streamPrefixes: [prefix] }, signal: abort.signal })
          [Symbol.asyncIterator]();
        const seen: RecordedEvent[] = eventsOf(await take(iterator, 1));
        const during = newEvents(5);
        await store.append(stream('long'), during, 1199);
        written.push(...during);
        while (seen.length < written.length) {
          const next = await iterator.next();
          if (next.done) throw new Error('subscription ended early');
          if (next.value.kind === 'event') seen.push(next.value.event);
        }
        expect(ids(seen)).toEqual(ids(written));
        expectStrictlyIncreasing(seen.map((e) => e.position));
        abort.abort();
        expect((await iterator.next()).done).toBe(true);
      });

      it('without a checkpoint starts from the beginning of the log', async () => {
        const written = newEvents(2);
        await store.append(stream('a'), written, 'no_stream');
        const abort = new AbortController();
        const iterator = store.subscribeToAll({ filter: { streamPrefixes: [prefix] }, signal: abort.signal })[Symbol.asyncIterator]();
        const messages = await take(iterator, 3);
        expect(ids(eventsOf(messages))).toEqual(ids(written));
        expect(messages[2]!.kind).toBe('caughtUp');
        abort.abort();
        expect((await iterator.next()).done).toBe(true);
      });
    });

    describe('concurrency', () => {
      it('50 concurrent appenders at the same exact revision: one wins each round, no gaps, no duplicates', async () => {
        const id = stream('contested');
        const winners: NewEvent[] = [...newEvents(1)];
        await store.append(id, winners, 'no_stream');
        let current = 0;
        for (let round = 0; round < 8; round++) {
          const contenders = Array.from({ length: 50 }, (_, i) => newEvents(1 + (i % 3)));
          const settled = await Promise.allSettled(contenders.map((events) => store.append(id, events, current)));
          const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ result: s.value, events: contenders[i]! }] : []));
          expect(won).toHaveLength(1);
          const [{ result, events }] = won as [(typeof won)[number]];
          expect(result.nextRevision).toBe(current + events.length);
          for (const s of settled) {
            if (s.status === 'rejected') {
              expect(s.reason).toBeInstanceOf(WrongExpectedRevisionError);
              expect(s.reason).toMatchObject({ expected: current, actual: result.nextRevision });
            }
          }
          winners.push(...events);
          current = result.nextRevision;
        }
        const stored = await store.readStream(id);
        expect(revisions(stored)).toEqual(winners.map((_, i) => i));
        expect(ids(stored)).toEqual(ids(winners));
        expect(new Set(ids(stored)).size).toBe(stored.length);
        expect(findChainBreak(stored)).toBeUndefined();
      });

      it('concurrent appends to many streams all succeed, each with its own position', async () => {
        const start = await store.headPosition();
        const appends = Array.from({ length: 200 }, (_, i) => ({ id: stream(`s${i}`), events: newEvents(1 + (i % 2)) }));
        const results = await Promise.all(appends.map(({ id, events }) => store.append(id, events, 'no_stream')));
        expect(results.map((r) => r.nextRevision)).toEqual(appends.map(({ events }) => events.length - 1));
        expect(new Set(results.map((r) => r.position)).size).toBe(200);

        const all = await store.readAll({ after: start, filter: { streamPrefixes: [prefix] } });
        expect(all).toHaveLength(300);
        expectStrictlyIncreasing(all.map((e) => e.position));
        const lastOfEach = new Map(all.map((e) => [e.streamId, e.position]));
        expect(results.map((r, i) => r.position === lastOfEach.get(appends[i]!.id))).not.toContain(false);
      });

      it('a failing append among concurrent ones fails alone', async () => {
        const id = stream('order');
        await store.append(id, newEvents(1), 'no_stream');
        const good = newEvents(2);
        const [ok, wrong, other] = await Promise.allSettled([
          store.append(id, good, 0),
          store.append(id, newEvents(1), 0),
          store.append(stream('other'), newEvents(1), 'no_stream'),
        ]);
        expect(ok.status).toBe('fulfilled');
        expect(other.status).toBe('fulfilled');
        expect(wrong).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
        expect(ids(await store.readStream(id, { fromRevision: 1 }))).toEqual(ids(good));
      });
    });

    describe('model', () => {
      const expectation = fc.oneof(
        fc.constantFrom<ExpectedRevision>('no_stream', 'stream_exists', 'any'),
        fc.integer({ min: 0, max: 5 }),
      );
      const append = fc.record({ stream: fc.integer({ min: 0, max: 2 }), expected: expectation, count: fc.integer({ min: 1, max: 3 }) });
      // Appends to different streams run concurrently (their order does not matter to the model);
      // appends to one stream run in sequence, group after group.
      const groups = fc.array(fc.uniqueArray(append, { selector: (a) => a.stream, minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 8,
      });

      it('random appends with random expectations agree with a simple model', async () => {
        await fc.assert(
          fc.asyncProperty(groups, async (run) => {
            const runPrefix = stream(`${unique()}-`); // a fresh set of streams for every run
            const names = [0, 1, 2].map((n) => `${runPrefix}${n}`);
            const model: string[][] = [[], [], []];
            for (const group of run) {
              const batches = group.map((a) => newEvents(a.count));
              const settled = await Promise.allSettled(group.map((a, i) => store.append(names[a.stream]!, batches[i]!, a.expected)));
              group.forEach((a, i) => {
                const current = model[a.stream]!.length - 1;
                const outcome = settled[i]!;
                if (expectationHolds(a.expected, current)) {
                  expect(outcome).toMatchObject({ status: 'fulfilled', value: { nextRevision: current + a.count } });
                  model[a.stream]!.push(...ids(batches[i]!));
                } else {
                  expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
                  expect(outcome).toMatchObject({ reason: { actual: current < 0 ? 'no_stream' : current } });
                }
              });
            }
            for (const [n, name] of names.entries()) expect(ids(await store.readStream(name))).toEqual(model[n]);
          }),
          { numRuns: 40 },
        );
      });
    });
  });
}
