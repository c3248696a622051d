// The log of audit reads (issue 10, item 6): a refused read records nothing, a recorded read is
// a bounded description (route, validated parameters, truncated), and audit and export reads are
// rate-limited per user.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { expectProblem } from '../../../test/support/expect-problem.js';
import { EVENT_STORE, type EventStore } from '../../eventstore/event-store.port.js';
import { AUDIT_LOG_PREFIX } from './audit-read-log.js';

let api: ApiUnderTest;
let store: EventStore;
let streamId: string;

const head = async () => (await store.headPosition()) ?? 0n;
async function lastRead() {
  const reads = await store.readAll({ filter: { streamPrefixes: [AUDIT_LOG_PREFIX] } });
  return reads.at(-1)!;
}

beforeAll(async () => {
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0', RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER: '1000' });
  store = api.app.get<EventStore>(EVENT_STORE, { strict: false });
  const product = await api.as('staff').request('POST', '/v1/products', { body: { sku: 'LOGGED-1', name: 'Logged mug', price: { amount: 900, currency: 'EUR' } } });
  streamId = `product-${product.body.id}`;
  await api.tokenFor('auditor');
});
afterAll(async () => {
  await api?.destroy();
});

describe('a refused read records nothing', () => {
  const junk = 'x'.repeat(14_000);
  it.each([
    ['a junk query on verify', `/v1/audit/verify?junk=${junk}`, 400, 'validation_failed'],
    ['a junk query on a causation tree', `/v1/audit/correlations/c-1?junk=${junk}`, 400, 'validation_failed'],
    ['a junk query on the public key', `/v1/audit/export/public-key?junk=${junk}`, 400, 'validation_failed'],
    ['an unknown query parameter on history', () => `/v1/audit/streams/${streamId}?junk=${junk}`, 400, 'validation_failed'],
    ['an invalid revision', () => `/v1/audit/streams/${streamId}/state?revision=-1`, 400, 'validation_failed'],
    ['an invalid stream id', '/v1/audit/streams/$all', 400, 'invalid_stream_id'],
    ['an invalid export filter', '/v1/audit/export/manifest?since=yesterday', 400, 'validation_failed'],
    ['a stream that does not exist', '/v1/audit/streams/product-none', 404, 'stream_not_found'],
  ])('%s is refused and appends nothing', async (_, path, status, code) => {
    const before = await head();
    const answer = await api.as('auditor').request('GET', typeof path === 'function' ? path() : path);
    expectProblem(answer, status, code);
    expect(await head()).toBe(before);
  });
});

describe('a recorded read', () => {
  it('records the route and its validated parameters, each truncated, never the raw URL', async () => {
    const long = Array.from({ length: 9 }, (_, i) => `${i}${'p'.repeat(199)}`).join(',');
    const answer = await api.as('admin').request('GET', `/v1/audit/export/manifest?streamPrefix=${long}&since=2026-01-01T00:00:00Z`);
    expect(answer.status).toBe(200);
    const read = await lastRead();
    const data = read.data as Record<string, unknown>;
    expect(data).toMatchObject({ method: 'GET', route: '/v1/audit/export/manifest', params: {}, query: { since: '2026-01-01T00:00:00Z', streamPrefix: expect.any(String) } });
    expect(data).not.toHaveProperty('url');
    expect(((data.query as Record<string, string>).streamPrefix)!.length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(data).length).toBeLessThan(1000);
  });

  it('records a history read with its stream id', async () => {
    expect((await api.as('auditor').request('GET', `/v1/audit/streams/${streamId}?limit=5`)).status).toBe(200);
    expect((await lastRead()).data).toMatchObject({ route: '/v1/audit/streams/:streamId', params: { streamId }, query: { limit: '5' } });
  });
});

describe('rate limit on audit and export reads', () => {
  let limited: ApiUnderTest;
  beforeAll(async () => {
    limited = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0', RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER: '3' });
  });
  afterAll(async () => {
    await limited?.destroy();
  });

  it('answers the 4th read of a user within a minute 429 with Retry-After, records nothing for it, and leaves other users alone', async () => {
    const limitedStore = limited.app.get<EventStore>(EVENT_STORE, { strict: false });
    const auditor = await limited.newUser('auditor');
    for (let i = 0; i < 3; i++) expect((await limited.request('GET', '/v1/audit/export/public-key', { token: auditor.token })).status).toBe(200);
    const before = await limitedStore.headPosition();
    const refused = await limited.request('GET', '/v1/audit/verify', { token: auditor.token });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limitedStore.headPosition()).toBe(before);
    expect((await limited.as('admin').request('GET', '/v1/audit/verify')).status).toBe(200);
  });
});
