// Reads that walk the whole log (chain verification, export manifests, replays) share the
// service with every other request (issue 10, item 7): the embedded store's reads are
// synchronous, so a walk that never gave the event loop a turn would hold every request until it
// ended. Each walk yields between pages, and at most one of a kind runs at a time; the others are
// answered 503 with Retry-After at once. The log is built fast with the store directly.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { NewEvent } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { expectProblem } from '../support/expect-problem.js';
import { newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';

const STREAMS = 600;
const EVENTS_PER_STREAM = 100;

async function writeLog(dataDir: string): Promise<void> {
  const store = new SqliteEventStore(join(dataDir, 'events.db'));
  for (let s = 0; s < STREAMS; s++) {
    const correlationId = randomUUID();
    const events = Array.from({ length: EVENTS_PER_STREAM }, (_, n): NewEvent => ({
      // A type no projection reads: the service starts caught up at once and only the walks work.
      eventId: randomUUID(), type: 'BulkNoted', data: { n, note: 'x'.repeat(200) },
      metadata: { actor: { system: 'walk-test' }, commandId: randomUUID(), commandType: 'Bulk', correlationId, causationId: correlationId, occurredAt: new Date().toISOString() },
    }));
    await store.append(`bulk-${s}`, events, 'no_stream');
  }
  await store.close();
}

let app: AppUnderTest;
const dataDir = newDataDir();

beforeAll(async () => {
  await writeLog(dataDir);
  app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, dataDir);
  await app.tokenFor('admin');
  // Start from a quiet service: every subscriber has caught up with the log.
  const behind = async () => (await app.as('admin').request('GET', '/health')).body.details.subscriptions.subscribers.some((s: { caughtUp: boolean }) => !s.caughtUp);
  for (let polls = 0; polls < 600 && (await behind()); polls++) await new Promise((resolve) => setTimeout(resolve, 100));
}, 120_000);
afterAll(async () => {
  await app.destroy();
});

/** Sends the request now; resolves with its answer, noting in `order` when it completed. */
function tracked(order: string[], name: string, answer: Promise<{ status: number }>) {
  return answer.then((result) => {
    order.push(name);
    return result;
  });
}

/** Long enough for the walk to have started on the service, well short of how long it walks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('a full-log walk', () => {
  it.each([
    ['a chain verification', () => app.as('admin').request('GET', '/v1/audit/verify')],
    ['an export manifest', () => app.as('admin').request('GET', '/v1/audit/export/manifest')],
  ])('lets /health answer while %s walks the log', async (_, walk) => {
    const order: string[] = [];
    const walking = tracked(order, 'walk', walk());
    await settle(); // the walk has started on the service
    const health = await tracked(order, 'health', app.request('GET', '/health'));
    expect(health.status).toBe(200);
    expect((await walking).status).toBe(200);
    expect(order).toEqual(['health', 'walk']);
  }, 60_000);

  it('runs one verification at a time: the others are answered 503 with Retry-After at once, and other kinds still run', async () => {
    const first = app.as('admin').request('GET', '/v1/audit/verify');
    await settle();
    const [second, third] = await Promise.all([app.as('admin').request('GET', '/v1/audit/verify'), app.as('admin').request('GET', '/v1/audit/verify')]);
    for (const refused of [second, third]) {
      expectProblem(refused, 503, 'log_walk_busy');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Another kind of walk is not held up by a verification.
    expect((await app.as('admin').request('GET', '/v1/audit/export/manifest?streamPrefix=bulk-1')).status).toBe(200);
    const done = await first;
    expect(done.status).toBe(200);
    expect(done.body.checkedEvents).toBeGreaterThanOrEqual(STREAMS * EVENTS_PER_STREAM);
    // Once it is done, the next one runs.
    expect((await app.as('admin').request('GET', '/v1/audit/verify')).status).toBe(200);
  }, 60_000);
});
