// Auditors over real HTTP against the built service: history with the full envelope, state at a
// moment and diffs, causation trees, chain verification with anchors (and a tampered file),
// signed exports verified offline, the log of audit reads, and who may do each.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { verifyExport } from '../../src/audit/export/export-format.js';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';
import { placeOrder, productWithStock, settled, waitForOrder } from '../support/orders-client.js';

// Logins hash passwords (scrypt) and the tamper test restarts the service.
jest.setTimeout(60_000);

let app: AppUnderTest;
let productId: string;
let streamId: string;
let afterReceipt: string; // recordedAt of revision 1
const CORRELATION = `checkout-${process.pid}`;
// What the service recorded for CORRELATION: the staff user's id, a colon, then CORRELATION.
let recordedCorrelation: string;

async function staff(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const answer = await app.as('staff').request(method, path, { body, headers });
  expect(answer.status).toBeLessThan(300);
  return answer.body;
}

beforeAll(async () => {
  app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  const registered = await app.as('staff').request('POST', '/v1/products', { body: { sku: `AUD-${process.pid}`, name: 'Audited mug', price: { amount: 1000, currency: 'EUR' } }, headers: { 'x-correlation-id': CORRELATION } });
  expect(registered.status).toBe(201);
  recordedCorrelation = registered.headers.get('x-correlation-id')!;
  expect(recordedCorrelation).toMatch(new RegExp(`^[0-9a-f-]{36}:${CORRELATION}$`));
  productId = registered.body.id;
  streamId = `product-${productId}`;
  await staff('POST', `/v1/products/${productId}/stock-receipts`, { quantity: 10, reference: 'PO-1' }, { 'x-correlation-id': CORRELATION });
  await staff('PUT', `/v1/products/${productId}/price`, { amount: 1200, currency: 'EUR' });
  await staff('POST', `/v1/products/${productId}/stock-adjustments`, { quantityChange: -2, reason: 'broken' });
  const history = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}?limit=10`);
  afterReceipt = history.body.items[1].recordedAt;
});
afterAll(async () => {
  await app.destroy();
});

describe('stream history', () => {
  it('answers every event in order with its whole envelope, page by page', async () => {
    const first = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const [registered, received] = first.body.items;
    expect(registered).toMatchObject({
      streamId, revision: 0, position: expect.stringMatching(/^\d+$/), type: 'ProductRegistered', schemaVersion: 1,
      data: { productId, name: 'Audited mug' }, recordedAt: expect.any(String),
      metadata: {
        actor: { userId: expect.any(String), roles: ['staff'] }, commandType: 'RegisterProduct', correlationId: recordedCorrelation,
        causationId: expect.any(String), commandId: expect.any(String), occurredAt: expect.any(String),
        prevHash: '0'.repeat(64), hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    // StockReceived is written in its current shape, version 2.
    expect(received).toMatchObject({ revision: 1, type: 'StockReceived', schemaVersion: 2, data: { deliveryReference: 'PO-1' } });
    expect(received.metadata.prevHash).toBe(registered.metadata.hash);
    const second = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: { revision: number }) => e.revision)).toEqual([2, 3]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 404 for a stream with no events', async () => {
    const answer = await app.as('auditor').request('GET', '/v1/audit/streams/product-nothing-here');
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 404, code: 'stream_not_found' });
  });
});

describe('state at a moment', () => {
  it('folds the entity up to a revision or a time, with the revision it reflects', async () => {
    const atRevision = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}/state?revision=1`);
    expect(atRevision.body).toMatchObject({ streamId, kind: 'product', revision: 1, state: { status: 'registered', onHand: 10, price: { amount: 1000 } } });
    const atTime = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}/state?at=${encodeURIComponent(afterReceipt)}`);
    expect(atTime.body.revision).toBeGreaterThanOrEqual(1);
    expect(atTime.body.state.onHand).toBe(10);
    const before = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}/state?at=2000-01-01T00:00:00Z`);
    expect(before.body).toMatchObject({ revision: null, state: { status: 'unregistered' } });
    const latest = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}/state`);
    expect(latest.body).toMatchObject({ revision: 3, state: { onHand: 8, price: { amount: 1200 } } });
  });

  it('lists the fields that changed between two moments and the events that changed them', async () => {
    const diff = await app.as('auditor').request('GET', `/v1/audit/streams/${streamId}/diff?fromRevision=1&toRevision=3`);
    expect(diff.status).toBe(200);
    const byPath = Object.fromEntries(diff.body.changes.map((c: { path: string }) => [c.path, c]));
    expect(Object.keys(byPath).sort()).toEqual(['onHand', 'price.amount']);
    expect(byPath.onHand).toMatchObject({ before: 10, after: 8, changedBy: [{ revision: 3, type: 'StockAdjusted', commandType: 'AdjustStock' }] });
    expect(byPath['price.amount']).toMatchObject({ before: 1000, after: 1200, changedBy: [{ revision: 2, type: 'PriceChanged' }] });
  });
});

describe('correlations', () => {
  it('answers every event one request id caused, ordered, as a causation tree', async () => {
    const answer = await app.as('auditor').request('GET', `/v1/audit/correlations/${recordedCorrelation}`);
    expect(answer.status).toBe(200);
    expect(answer.body.events.map((e: { type: string }) => e.type)).toEqual(['ProductRegistered', 'StockReceived']);
    // Two requests with the same correlation id: two causes, each with its event.
    expect(answer.body.causes).toHaveLength(2);
    expect(answer.body.causes.map((c: { children: { type: string }[] }) => c.children.map((n) => n.type))).toEqual([['ProductRegistered'], ['StockReceived']]);
    const missing = await app.as('auditor').request('GET', '/v1/audit/correlations/nobody-sent-this');
    expect(missing.status).toBe(404);
  });

  it('follows an order through the saga: every stream it touched, each event under the one that caused it', async () => {
    const product = await productWithStock(app, 5);
    const customer = await app.newUser('customer');
    const correlationId = `order-${process.pid}`;
    const placed = await placeOrder(app, customer, [{ productId: product.id, quantity: 2 }], { minPosition: product.position, headers: { 'x-correlation-id': correlationId } });
    expect(placed.status).toBe(201);
    await waitForOrder(app, customer.token, placed.body.id, settled);
    const answer = await app.as('auditor').request('GET', `/v1/audit/correlations/${placed.headers.get('x-correlation-id')}`);
    expect(answer.status).toBe(200);
    const streams = new Set(answer.body.events.map((e: { streamId: string }) => e.streamId.split('-')[0]));
    expect([...streams]).toEqual(expect.arrayContaining(['order', 'fulfillment', 'product', 'payment']));
    const positions = answer.body.events.map((e: { position: string }) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a: bigint, b: bigint) => (a < b ? -1 : 1)));
    // One cause (the request), whose OrderPlaced leads, through the saga, to the rest.
    expect(answer.body.causes).toHaveLength(1);
    const [root] = answer.body.causes[0].children;
    expect(root.type).toBe('OrderPlaced');
    const count = (node: { children: unknown[] }): number => 1 + node.children.reduce((sum: number, child) => sum + count(child as { children: unknown[] }), 0);
    expect(count(root)).toBe(answer.body.events.length);
  });
});

describe('signed export', () => {
  it('exports a range as NDJSON with a signed manifest that verifies offline with the public key', async () => {
    const query = `streamPrefix=product-&type=StockReceived,ProductRegistered`;
    const manifest = await app.as('auditor').request('GET', `/v1/audit/export/manifest?${query}`);
    expect(manifest.status).toBe(200);
    expect(manifest.body.manifest).toMatchObject({ format: 'orderstream-export/1', count: expect.any(Number), rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const pinned = `${query}&toPosition=${manifest.body.manifest.filter.toPosition}`;
    const events = await fetch(`${app.baseUrl}/v1/audit/export/events?${pinned}`, { headers: { authorization: `Bearer ${await app.tokenFor('analyst')}` } });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toContain('application/x-ndjson');
    const ndjson = Buffer.from(await events.arrayBuffer());
    const input = { ndjson, manifestJson: JSON.stringify(manifest.body.manifest), signature: manifest.body.signature, publicKeyPem: manifest.body.publicKey };
    const verified = verifyExport(input);
    expect(verified).toEqual({ ok: true, count: manifest.body.manifest.count, problems: [] });
    expect(ndjson.toString().trim().split('\n').map((line) => JSON.parse(line).type)).toContain('StockReceived');

    const forged = Buffer.from(ndjson.toString().replace('"quantity":10', '"quantity":99'));
    expect(verifyExport({ ...input, ndjson: forged }).ok).toBe(false);
  });
});

describe('who may do what', () => {
  it.each([
    ['stream history', 'GET', () => `/v1/audit/streams/${streamId}`],
    ['state at a moment', 'GET', () => `/v1/audit/streams/${streamId}/state`],
    ['a diff', 'GET', () => `/v1/audit/streams/${streamId}/diff?fromRevision=0`],
    ['a causation tree', 'GET', () => `/v1/audit/correlations/${recordedCorrelation}`],
    ['chain verification', 'GET', () => '/v1/audit/verify'],
    ['recording an anchor', 'POST', () => '/v1/audit/anchors'],
  ])('%s is for auditors and admins only', async (_, method, path) => {
    expect((await app.request(method, path())).status).toBe(401);
    for (const role of ['customer', 'staff', 'analyst'] as const) expect((await app.as(role).request(method, path())).status).toBe(403);
    for (const role of ['auditor', 'admin'] as const) expect((await app.as(role).request(method, path())).status).toBe(200);
  });

  it('lets analysts export but not customers or staff', async () => {
    expect((await app.as('analyst').request('GET', '/v1/audit/export/public-key')).status).toBe(200);
    expect((await app.as('staff').request('GET', '/v1/audit/export/public-key')).status).toBe(403);
    expect((await app.as('customer').request('GET', '/v1/audit/export/manifest')).status).toBe(403);
  });
});

describe('reads of audit data are recorded', () => {
  it('lets admins, and only admins, list who read what and when', async () => {
    const auditor = await app.newUser('auditor');
    await app.request('GET', `/v1/audit/streams/${streamId}/state?revision=0`, { token: auditor.token });
    const list = async (cursor?: string) => app.as('admin').request('GET', `/v1/admin/audit-reads?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    const items: Array<{ actor: { userId: string }; route: string; query: Record<string, string>; at: string }> = [];
    for (let page = await list(); ; page = await list(page.body.nextCursor)) {
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      if (!page.body.nextCursor) break;
    }
    expect(items).toContainEqual(expect.objectContaining({
      actor: expect.objectContaining({ userId: auditor.id }), method: 'GET', route: '/v1/audit/streams/:streamId/state',
      query: { revision: '0' }, params: { streamId }, at: expect.any(String),
    }));
    expect((await app.as('auditor').request('GET', '/v1/admin/audit-reads')).status).toBe(403);
  });
});

describe('tamper evidence', () => {
  it('verifies an intact log, anchors the heads, then reports an edited event and a cut tail found in the file', async () => {
    const intact = await app.as('auditor').request('GET', '/v1/audit/verify');
    expect(intact.body).toMatchObject({ ok: true, problems: [] });
    const anchored = await app.as('auditor').request('POST', '/v1/audit/anchors');
    expect(anchored.body).toMatchObject({ recorded: true, anchor: { rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    // A second product whose tail will be cut.
    const other = await staff('POST', '/v1/products', { sku: `CUT-${process.pid}`, name: 'Cut', price: { amount: 1, currency: 'EUR' } });
    await staff('POST', `/v1/products/${other.id}/stock-receipts`, { quantity: 1, reference: 'PO-cut' });
    await app.as('auditor').request('POST', '/v1/audit/anchors');

    await app.stop();
    const db = new Database(join(app.dataDir, 'events.db'));
    db.prepare(`UPDATE events SET data = json_set(data, '$.quantity', 1000) WHERE stream_id = ? AND revision = 1`).run(streamId);
    db.prepare('DELETE FROM events WHERE stream_id = ? AND revision = 1').run(`product-${other.id}`);
    db.close();
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);

    const report = await app.as('auditor').request('GET', '/v1/audit/verify');
    expect(report.body.ok).toBe(false);
    expect(report.body.problems.map((p: { streamId: string; revision: number; reason: string }) => [p.streamId, p.revision, p.reason])).toEqual([
      [streamId, 1, 'hash_mismatch'],
      [`product-${other.id}`, 1, 'truncated'],
    ]);
  });
});
