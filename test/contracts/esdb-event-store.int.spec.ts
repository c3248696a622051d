// The EventStoreDB adapter against the in-process gRPC test double of EventStoreDB
// (test/esdb-double): the shared contract, then what only this adapter has to do (system
// events, unknown append outcomes, dropped and silently stopped subscriptions, the size limit).
// esdb-real-server.int.spec.ts runs the same contract against a real server.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AppendRejectedError } from '../../src/eventstore/event-store.errors.js';
import type { NewEvent, RecordedEvent, SubscriptionMessage } from '../../src/eventstore/event-store.port.js';
import { findChainBreak } from '../../src/eventstore/hash-chain.js';
import { EsdbEventStore, type EsdbEventStoreOptions } from '../../src/eventstore/esdb/esdb-event-store.js';
import { EsdbDouble } from '../esdb-double/esdb-double.js';
import { eventStoreContract } from './event-store.contract.js';

describe('EventStoreDB adapter on the gRPC test double', () => {
  let double: EsdbDouble;

  beforeAll(async () => {
    double = await EsdbDouble.start();
  });

  afterAll(() => {
    double.stop();
  });

  eventStoreContract('EsdbEventStore (gRPC test double)', async () => {
    const store = EsdbEventStore.connect(double.connectionString);
    return { store, cleanup: () => store.close() };
  });
});

function event(type = 'ThingRecorded', data: unknown = { n: 1 }): NewEvent {
  return {
    eventId: randomUUID(),
    type,
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

async function next(iterator: AsyncIterator<SubscriptionMessage>): Promise<SubscriptionMessage> {
  const result = await iterator.next();
  if (result.done) throw new Error('the subscription ended');
  return result.value;
}

/** Events of a subscription until `count` have arrived (markers are skipped). */
async function events(iterator: AsyncIterator<SubscriptionMessage>, count: number): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  while (seen.length < count) {
    const message = await next(iterator);
    if (message.kind === 'event') seen.push(message.event);
  }
  return seen;
}

describe('EventStoreDB adapter specifics (gRPC test double)', () => {
  let double: EsdbDouble;
  let store: EsdbEventStore;
  const open = (options?: EsdbEventStoreOptions): EsdbEventStore => {
    store = EsdbEventStore.connect(double.connectionString, options);
    return store;
  };

  beforeEach(async () => {
    double = await EsdbDouble.start();
  });

  afterEach(async () => {
    await store?.close();
    double.stop();
  });

  it('leaves system events out of reads, the head and subscriptions, including plain types in system streams', async () => {
    open();
    expect(await store.headPosition()).toBeUndefined();
    expect(await store.readAll()).toEqual([]);
    const { position } = await store.append('order-1', [event()], 'no_stream');
    double.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
    double.writeSystemEvent('$persistentSubscriptionConfig', 'PersistentConfig1');
    expect(await store.headPosition()).toBe(position);
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['order-1']);
    expect((await store.readAll({ filter: { eventTypes: ['PersistentConfig1'] } })).map((e) => e.streamId)).toEqual([]);

    const abort = new AbortController();
    const iterator = store.subscribeToAll({ signal: abort.signal })[Symbol.asyncIterator]();
    expect((await events(iterator, 1)).map((e) => e.streamId)).toEqual(['order-1']);
    double.writeSystemEvent('$ce-order', '$>');
    await store.append('order-2', [event()], 'no_stream');
    expect((await events(iterator, 1)).map((e) => e.streamId)).toEqual(['order-2']);
    abort.abort();
  });

  it('positions are the server byte offsets, not counts, and round-trip through readAll', async () => {
    open();
    await store.append('order-1', [event(), event(), event()], 'no_stream');
    const all = await store.readAll();
    expect(all.map((e) => e.position)).not.toEqual([all[0]!.position, all[0]!.position + 1n, all[0]!.position + 2n]);
    expect((await store.readAll({ after: all[0]!.position })).map((e) => e.eventId)).toEqual(all.slice(1).map((e) => e.eventId));
  });

  it('resends an append whose answer never came, and the retry answers the original result once', async () => {
    open({ appendDeadlineMs: 200, appendRetryBackOff: { initialDelayMs: 10, maxDelayMs: 10 } });
    await store.append('order-1', [event()], 'no_stream');
    const batch = [event(), event()];
    double.withholdAppendAnswers(1);
    const result = await store.append('order-1', batch, 0);
    expect(double.appendsReceived).toBe(3); // the first append, the unanswered one, the retry
    expect(result.nextRevision).toBe(2);
    const stored = await store.readStream('order-1');
    expect(stored.map((e) => e.eventId).slice(1)).toEqual(batch.map((e) => e.eventId));
    expect(result.position).toBe(stored[2]!.position);
    expect(findChainBreak(stored)).toBeUndefined();
  });

  it('gives up on an unknown outcome after its tries, saying so', async () => {
    open({ appendDeadlineMs: 100, appendAttempts: 2, appendRetryBackOff: { initialDelayMs: 10, maxDelayMs: 10 } });
    double.withholdAppendAnswers(2);
    await expect(store.append('order-1', [event()], 'no_stream')).rejects.toMatchObject({ code: 'append_outcome_unknown' });
    // It was stored; the next try with the same events is answered as a retry.
    expect(await store.readStream('order-1')).toHaveLength(1);
  });

  it('refuses an append over 1 MiB before it reaches the server', async () => {
    open();
    await expect(store.append('order-1', [event('Big', { text: 'x'.repeat(1024 * 1024) })], 'no_stream')).rejects.toBeInstanceOf(AppendRejectedError);
    await expect(store.append('order-1', Array.from({ length: 5 }, () => event('Big', { text: 'x'.repeat(220 * 1024) })), 'no_stream')).rejects.toBeInstanceOf(
      AppendRejectedError,
    );
    expect(double.appendsReceived).toBe(0);
  });

  it('maps the server refusing an append for its size to AppendRejectedError', async () => {
    double.stop();
    double = await EsdbDouble.start({ maxAppendSize: 1000 });
    open();
    await expect(store.append('order-1', [event('Big', { text: 'x'.repeat(2000) })], 'no_stream')).rejects.toBeInstanceOf(AppendRejectedError);
    expect(double.appendsReceived).toBe(1);
  });

  it('resubscribes after the server drops the subscription and delivers each event once', async () => {
    open({ subscription: { resubscribeBackOff: { initialDelayMs: 10, maxDelayMs: 50 } } });
    const first = [event(), event()];
    await store.append('order-1', first, 'no_stream');
    const abort = new AbortController();
    const iterator = store.subscribeToAll({ signal: abort.signal })[Symbol.asyncIterator]();
    expect((await events(iterator, 2)).map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
    expect(await next(iterator)).toMatchObject({ kind: 'caughtUp' });

    expect(double.dropSubscriptions()).toBe(1);
    const second = [event(), event()];
    await store.append('order-1', second, 1);
    expect((await events(iterator, 2)).map((e) => e.eventId)).toEqual(second.map((e) => e.eventId));
    expect(double.subscriptionsOpened).toBe(2);
    expect(store.subscriptions()[0]).toMatchObject({ resubscriptions: 1, stallsDetected: 0 });
    abort.abort();
    expect((await iterator.next()).done).toBe(true);
    expect(store.subscriptions()).toEqual([]);
  });

  it('detects a live subscription that stopped without a word, and replaces it', async () => {
    open({ subscription: { stallTimeoutMs: 150, probeIntervalMs: 50, resubscribeBackOff: { initialDelayMs: 10, maxDelayMs: 50 } } });
    await store.append('order-1', [event()], 'no_stream');
    const abort = new AbortController();
    const iterator = store.subscribeToAll({ signal: abort.signal })[Symbol.asyncIterator]();
    await events(iterator, 1);
    expect(await next(iterator)).toMatchObject({ kind: 'caughtUp' });

    double.freezeSubscriptions();
    const missed = event();
    await store.append('order-1', [missed], 0);
    expect((await events(iterator, 1)).map((e) => e.eventId)).toEqual([missed.eventId]);
    expect(store.subscriptions()[0]).toMatchObject({ stallsDetected: 1, resubscriptions: 1 });
    abort.abort();
  });

  it('detects a subscription that sends nothing while catching up', async () => {
    open({ subscription: { stallTimeoutMs: 150, probeIntervalMs: 50, resubscribeBackOff: { initialDelayMs: 10, maxDelayMs: 50 } } });
    const written = [event()];
    await store.append('order-1', written, 'no_stream');
    const abort = new AbortController();
    const frozen = double.freezeNextSubscriptions(1);
    const iterator = store.subscribeToAll({ signal: abort.signal })[Symbol.asyncIterator]();
    expect((await events(iterator, 1)).map((e) => e.eventId)).toEqual(written.map((e) => e.eventId));
    expect(frozen()).toBe(1);
    expect(store.subscriptions()[0]).toMatchObject({ stallsDetected: 1 });
    abort.abort();
  });

  it('infers caught-up from a server that never says so (before 23.10)', async () => {
    double.stop();
    double = await EsdbDouble.start({ sendsCaughtUp: false });
    open({ subscription: { catchUpQuietMs: 50 } });
    const written = [event(), event()];
    const { position } = await store.append('order-1', written, 'no_stream');
    const abort = new AbortController();
    const iterator = store.subscribeToAll({ signal: abort.signal })[Symbol.asyncIterator]();
    expect((await events(iterator, 2)).map((e) => e.eventId)).toEqual(written.map((e) => e.eventId));
    expect(await next(iterator)).toEqual({ kind: 'caughtUp', position });
    abort.abort();
  });
});
