// Auditors search the log by stream prefix, type, time range and actor, a page at a time; the
// search is recorded like every audit read, and answers only streams the caller may read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { expectProblem } from '../../../test/support/expect-problem.js';
import { EVENT_STORE, type EventStore } from '../../eventstore/event-store.port.js';
import { AUDIT_LOG_PREFIX } from '../access-log/audit-read-log.js';

let api: ApiUnderTest;
let store: EventStore;
const products: { id: string; sku: string }[] = [];
let staffId: string;
let startedAt: string;

beforeAll(async () => {
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0', RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER: '1000' });
  store = api.app.get<EventStore>(EVENT_STORE, { strict: false });
  startedAt = new Date().toISOString();
  const staff = await api.newUser('staff');
  staffId = staff.id;
  for (const sku of ['SEARCH-1', 'SEARCH-2', 'SEARCH-3']) {
    const product = await api.request('POST', '/v1/products', { token: staff.token, body: { sku, name: `Mug ${sku}`, price: { amount: 900, currency: 'EUR' } } });
    expect(product.status).toBe(201);
    products.push({ id: product.body.id, sku });
  }
  await api.as('staff').request('POST', `/v1/products/${products[0]!.id}/stock-receipts`, { body: { quantity: 3, reference: 'PO-S' } });
});
afterAll(async () => {
  await api?.destroy();
});

const search = (query: string, role: 'auditor' | 'admin' | 'analyst' | 'customer' | 'staff' = 'auditor') => api.as(role).request('GET', `/v1/audit/events?${query}`);

describe('searching the log', () => {
  it('finds events by stream prefix, type and actor, in position order', async () => {
    const answer = await search(`streamPrefix=product-&type=ProductRegistered&actor=${staffId}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((event: { streamId: string }) => event.streamId)).toEqual(products.map(({ id }) => `product-${id}`));
    expect(answer.body.items[0]).toMatchObject({ type: 'ProductRegistered', revision: 0, metadata: { actor: { userId: staffId } } });
    expect(answer.body.nextCursor).toBeNull();
    const other = await search(`streamPrefix=product-&type=ProductRegistered&actor=someone-else`);
    expect(other.body.items).toEqual([]);
  });

  it('pages with the cursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: { body: { items: { eventId: string }[]; nextCursor: string | null } } = await search(`streamPrefix=product-&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((event) => event.eventId));
      cursor = page.body.nextCursor;
      if (cursor === null) break;
    }
    const all = await search('streamPrefix=product-&limit=100');
    expect(seen).toEqual(all.body.items.map((event: { eventId: string }) => event.eventId));
    expect(seen.length).toBe(4);
  });

  it('narrows by time: nothing before the shop opened, everything since', async () => {
    expect((await search(`streamPrefix=product-&until=${encodeURIComponent(startedAt)}`)).body.items).toEqual([]);
    expect((await search(`streamPrefix=product-&since=${encodeURIComponent(startedAt)}`)).body.items).toHaveLength(4);
  });

  it('is recorded in the access log like every audit read', async () => {
    await search('type=StockReceived', 'admin');
    const reads = await store.readAll({ filter: { streamPrefixes: [AUDIT_LOG_PREFIX] } });
    expect(reads.at(-1)!.data).toMatchObject({ route: '/v1/audit/events', query: { type: 'StockReceived' } });
  });
});

describe('refusals', () => {
  it.each([
    ['a time that is not ISO-8601', 'since=yesterday', 'validation_failed'],
    ['an empty range', 'since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'invalid_range'],
    ['a limit above the maximum', 'limit=101', 'validation_failed'],
    ['an operator as a type', 'type[$ne]=x', 'operator_not_allowed'],
    ['a prefix starting with $', 'streamPrefix=$audit', 'validation_failed'],
    ['a forged cursor', `cursor=${Buffer.from('{"position":"-1"}').toString('base64url')}`, 'invalid_cursor'],
    ['an unknown parameter', 'where=1', 'validation_failed'],
  ])('%s is a 400', async (_, query, code) => {
    expectProblem(await search(query), 400, code);
  });

  it.each(['analyst', 'staff', 'customer'] as const)('a %s may not search the log', async (role) => {
    expectProblem(await search('streamPrefix=product-', role), 403, 'forbidden');
  });
});
