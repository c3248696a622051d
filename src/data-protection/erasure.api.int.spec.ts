// Erasure of a customer by crypto-shredding, through the API in process over the embedded stores:
// the log holds their email and address only as ciphertext; after the erasure every read path
// (queries, audit state, replays, exports, a rebuild) shows those fields as erased and the rest
// (amounts, lines, statuses, causation) as before, while verify and export verification still pass.
// A legal hold blocks the erasure and says so.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ERASED_ADDRESS } from '../decider/personal-data.js';
import type { EventStore } from '../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import { verifyExport } from '../audit/export/export-format.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import type { TestUser } from '../../test/support/api-client.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import { ADDRESS, placeOrder, productWithStock, settled, sleep, waitForOrder } from '../../test/support/orders-client.js';

jest.setTimeout(90_000);

let api: ApiUnderTest;
let customer: TestUser;
let orderId: string;
let before: any;

const storedLog = async () => JSON.stringify((await api.app.get<EventStore>(RAW_EVENT_STORE).readAll()).map(({ type, data, metadata }) => ({ type, data, metadata })));
const erasure = (reason = 'GDPR art. 17 request #77') => api.as('admin').request('POST', `/v1/admin/data-subjects/${customer.id}/erasure`, { body: { reason } });

async function exportVerifies(): Promise<{ ok: boolean; ndjson: string }> {
  const manifest = await api.as('auditor').request('GET', '/v1/audit/export/manifest');
  expect(manifest.status).toBe(200);
  const events = await api.as('auditor').request('GET', `/v1/audit/export/events?toPosition=${manifest.body.manifest.filter.toPosition}`);
  const ndjson = typeof events.body === 'string' ? events.body : `${JSON.stringify(events.body)}\n`;
  const verified = verifyExport({ ndjson: Buffer.from(ndjson), manifestJson: JSON.stringify(manifest.body.manifest), signature: manifest.body.signature, publicKeyPem: manifest.body.publicKey });
  return { ok: verified.ok, ndjson };
}

/** What the audit history views answer about the order: its stream, a search of the log, and its correlation. */
async function auditViewsOfOrder(): Promise<{ history: any; search: any; correlation: any }> {
  const history = await api.as('auditor').request('GET', `/v1/audit/streams/order-${orderId}`);
  expect(history.status).toBe(200);
  const search = await api.as('admin').request('GET', `/v1/audit/events?streamPrefix=order-${orderId}&type=OrderPlaced`);
  expect(search.status).toBe(200);
  const correlation = await api.as('auditor').request('GET', `/v1/audit/correlations/${encodeURIComponent(history.body.items[0].metadata.correlationId)}`);
  expect(correlation.status).toBe(200);
  return {
    history: history.body.items[0],
    search: search.body.items[0],
    correlation: correlation.body.events.find((event: { type: string }) => event.type === 'OrderPlaced'),
  };
}

/** Waits (bounded) until every projection named has a build newer than `after` serving and none in progress. */
async function rebuilt(names: string[], after: Map<string, number>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const status = await api.as('admin').request('GET', '/v1/analytics/projections');
    const items = status.body.items as Array<{ name: string; serving: { build: number }; building: unknown }>;
    if (names.every((name) => items.some((item) => item.name === name && item.building === null && item.serving.build > (after.get(name) ?? -1)))) return;
    await sleep(50);
  }
  throw new Error(`the rebuilds of ${names.join(', ')} did not take over`);
}

beforeAll(async () => {
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  customer = await api.newUser('customer');
  const product = await productWithStock(api, 10, 1500);
  const placed = await placeOrder(api, customer, [{ productId: product.id, quantity: 2 }]);
  expect(placed.status).toBe(201);
  orderId = placed.body.id;
  before = await waitForOrder(api, customer.token, orderId, settled);
  expect((await api.as('auditor').request('POST', '/v1/audit/anchors')).status).toBe(200);
});
afterAll(async () => {
  await api?.destroy();
});

describe('personal data in the log', () => {
  it('is readable by those entitled to it, and stored only as ciphertext', async () => {
    expect(before.shippingAddress).toEqual(ADDRESS);
    expect((await api.as('admin').request('GET', `/v1/admin/users/${customer.id}`)).body.email).toBe(customer.email);
    const stored = await storedLog();
    expect(stored).toContain('"$sealed"');
    for (const plain of [customer.email, ADDRESS.name, ADDRESS.line1]) expect(stored).not.toContain(plain);
    expect((await api.as('admin').request('GET', `/v1/admin/data-subjects/${customer.id}`)).body).toMatchObject({ erased: false, legalHold: null, key: 'active' });
    expect((await exportVerifies()).ok).toBe(true);
  });

  it('is opened for auditors and admins in the audit history views, in the stored shape, and each read is recorded', async () => {
    const views = await auditViewsOfOrder();
    for (const view of [views.history, views.search, views.correlation]) {
      expect(view).toMatchObject({ type: 'OrderPlaced', data: { shippingAddress: ADDRESS }, metadata: { hash: expect.any(String) } });
    }
    const reads = (await api.as('admin').request('GET', '/v1/admin/audit-reads')).body.items as Array<{ route: string }>;
    expect(reads.map((read) => read.route)).toEqual(expect.arrayContaining(['/v1/audit/streams/:streamId', '/v1/audit/events', '/v1/audit/correlations/:correlationId']));
  });
});

describe('a legal hold', () => {
  it('blocks the erasure while it lasts, and says so', async () => {
    expect((await api.as('admin').request('POST', `/v1/admin/data-subjects/${customer.id}/legal-hold`, { body: { reason: 'litigation 2026-12' } })).status).toBe(200);
    expectProblem(await erasure(), 409, 'legal_hold');
    expect((await api.as('admin').request('GET', `/v1/admin/data-subjects/${customer.id}`)).body).toMatchObject({ legalHold: { reason: 'litigation 2026-12' }, key: 'active' });
    expect((await api.as('admin').request('POST', `/v1/admin/data-subjects/${customer.id}/legal-hold/lift`, { body: { reason: 'case closed' } })).status).toBe(200);
  });

  it('and erasure are for admins only', async () => {
    for (const role of ['customer', 'staff', 'analyst', 'auditor'] as const) {
      expect((await api.as(role).request('POST', `/v1/admin/data-subjects/${customer.id}/erasure`, { body: { reason: 'x' } })).status).toBe(403);
      expect((await api.as(role).request('POST', `/v1/admin/data-subjects/${customer.id}/legal-hold`, { body: { reason: 'x' } })).status).toBe(403);
    }
    expectProblem(await api.as('admin').request('POST', '/v1/admin/data-subjects/not-a-uuid/erasure', { body: { reason: 'x' } }), 400, 'invalid_id');
    expectProblem(await api.as('admin').request('POST', `/v1/admin/data-subjects/${customer.id}/erasure`, { body: {} }), 400, 'validation_failed');
  });
});

describe('erasing a customer', () => {
  it('leaves their fields erased on every read path, everything else as it was, and the log verifiable', async () => {
    const storedBefore = await storedLog();
    const servingBefore = new Map(((await api.as('admin').request('GET', '/v1/analytics/projections')).body.items as Array<{ name: string; serving: { build: number } }>).map((item) => [item.name, item.serving.build]));

    const erased = await erasure();
    expect(erased.status).toBe(200);
    expect(erased.body.rebuilding).toEqual(expect.arrayContaining(['order-details', 'users']));
    await rebuilt(erased.body.rebuilding, servingBefore);

    // The stored events are byte for byte what they were: erasure appended a receipt, changed nothing.
    const storedAfter = await storedLog();
    expect(storedAfter.startsWith(storedBefore.slice(0, -1))).toBe(true);

    // Queries: the address and email are erased; amounts, lines, status and timeline are not.
    const order = (await api.as('staff').request('GET', `/v1/orders/${orderId}`)).body;
    expect(order.shippingAddress).toEqual(ERASED_ADDRESS);
    const { shippingAddress: _a, ...rest } = order;
    const { shippingAddress: _b, ...restBefore } = before;
    expect(rest).toMatchObject({ total: restBefore.total, lines: restBefore.lines, status: restBefore.status, customerId: customer.id });
    expect(rest.timeline.map((entry: { event: string }) => entry.event)).toEqual(restBefore.timeline.map((entry: { event: string }) => entry.event));
    expect((await api.as('admin').request('GET', `/v1/admin/users/${customer.id}`)).body.email).toBe(`erased+${customer.id}@erased.invalid`);

    // The audit history views show the values as erased, and the event otherwise as before.
    const views = await auditViewsOfOrder();
    for (const view of [views.history, views.search, views.correlation]) {
      expect(view).toMatchObject({ type: 'OrderPlaced', data: { shippingAddress: ERASED_ADDRESS, lines: before.lines.map(() => expect.any(Object)) } });
      expect(JSON.stringify(view)).not.toContain(ADDRESS.line1);
    }

    // Audit state at a moment, and a replay, fold the erased values.
    const state = await api.as('auditor').request('GET', `/v1/audit/streams/order-${orderId}/state`);
    expect(JSON.stringify(state.body)).not.toContain(ADDRESS.line1);
    const replay = await api.as('admin').request('POST', '/v1/analytics/replays', { body: { projection: 'order-details' } });
    expect(replay.status).toBe(200);
    expect(replay.body.documents.find((doc: { _id: string }) => doc._id === orderId).shippingAddress).toEqual(ERASED_ADDRESS);

    // The receipt: who, when, why and whom; nothing personal.
    const receipt = (await api.as('auditor').request('GET', `/v1/audit/streams/data-subject-${customer.id}`)).body.items.at(-1);
    expect(receipt).toMatchObject({ type: 'DataSubjectErased', data: { subjectId: customer.id, reason: 'GDPR art. 17 request #77' }, metadata: { actor: { roles: ['admin'] }, occurredAt: expect.any(String) } });
    expect((await api.as('admin').request('GET', `/v1/admin/data-subjects/${customer.id}`)).body).toMatchObject({ erased: true, key: 'erased' });

    // Verification and a signed export of the whole log still pass; the export holds no plaintext.
    expect((await api.as('auditor').request('GET', '/v1/audit/verify')).body).toMatchObject({ ok: true });
    const exported = await exportVerifies();
    expect(exported.ok).toBe(true);
    for (const plain of [customer.email, ADDRESS.name, ADDRESS.line1]) expect(exported.ndjson).not.toContain(plain);

    // A repeat records nothing more.
    expect((await erasure()).body.revision).toBe(erased.body.revision);
  });

  it('keeps what is written for them afterwards unreadable, and a hold is refused', async () => {
    const product = await productWithStock(api, 5, 700);
    const placed = await placeOrder(api, customer, [{ productId: product.id, quantity: 1 }]);
    expect(placed.status).toBe(201);
    const order = await waitForOrder(api, customer.token, placed.body.id, settled);
    expect(order.shippingAddress).toEqual(ERASED_ADDRESS);
    expect(order.total).toEqual({ amount: 700, currency: 'EUR' });
    expectProblem(await api.as('admin').request('POST', `/v1/admin/data-subjects/${customer.id}/legal-hold`, { body: { reason: 'late' } }), 409, 'data_subject_erased');
  });
});
