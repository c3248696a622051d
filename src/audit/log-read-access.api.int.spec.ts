// Replays, exports, history, state, diffs and causation trees serve only the data the caller's
// roles may read (issue 10, item 5): an analyst, whom GET /v1/admin/users refuses, gets no
// account's email or roles through a replay of `users` or an export of `user-` streams; an
// auditor reads any stream but the log of audit reads, which is for admins.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestUser } from '../../test/support/api-client.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';

let api: ApiUnderTest;
let customer: TestUser;
let productStream: string;

beforeAll(async () => {
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  customer = await api.newUser('customer');
  const product = await api.as('staff').request('POST', '/v1/products', { body: { sku: 'READ-1', name: 'Readable mug', price: { amount: 900, currency: 'EUR' } } });
  expect(product.status).toBe(201);
  productStream = `product-${product.body.id}`;
  // One audit read, so a day stream of the audit log exists.
  expect((await api.as('auditor').request('GET', `/v1/audit/streams/${productStream}`)).status).toBe(200);
});
afterAll(async () => {
  await api?.destroy();
});

// NDJSON of one line parses as one JSON value in the test client.
const ndjson = (body: unknown): Array<{ streamId: string }> =>
  typeof body === 'string' ? body.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [body as { streamId: string }];

describe('replays', () => {
  it('refuses an analyst a replay of the users projection (accounts are not theirs to read)', async () => {
    const answer = await api.as('analyst').request('POST', '/v1/analytics/replays', { body: { projection: 'users' } });
    expectProblem(answer, 403, 'log_data_forbidden');
    expect(JSON.stringify(answer.body)).not.toContain(customer.email);
  });

  it('still replays for an analyst what analysts may read, and the users projection for an admin', async () => {
    const products = await api.as('analyst').request('POST', '/v1/analytics/replays', { body: { projection: 'product-details' } });
    expect(products.status).toBe(200);
    expect(products.body.documents.map((doc: { sku: string }) => doc.sku)).toContain('READ-1');
    const users = await api.as('admin').request('POST', '/v1/analytics/replays', { body: { projection: 'users' } });
    expect(users.status).toBe(200);
    expect(users.body.documents.map((doc: { email: string }) => doc.email)).toContain(customer.email);
  });
});

describe('exports', () => {
  it('refuses an analyst an export of user streams, manifest and events alike', async () => {
    for (const route of ['manifest', 'events']) {
      expectProblem(await api.as('analyst').request('GET', `/v1/audit/export/${route}?streamPrefix=user-`), 403, 'log_data_forbidden');
      expectProblem(await api.as('analyst').request('GET', `/v1/audit/export/${route}?streamPrefix=us`), 403, 'log_data_forbidden');
    }
  });

  it("narrows an analyst's unfiltered export to what analysts may read, and says so in the signed manifest", async () => {
    const manifest = await api.as('analyst').request('GET', '/v1/audit/export/manifest');
    expect(manifest.status).toBe(200);
    expect(manifest.body.manifest.filter.streamPrefixes).toEqual(['product-']);
    const events = await api.as('analyst').request('GET', `/v1/audit/export/events?toPosition=${manifest.body.manifest.filter.toPosition}`);
    expect(events.status).toBe(200);
    const streams = ndjson(events.body).map((event) => event.streamId);
    expect(streams).toContain(productStream);
    expect(streams.filter((id) => !id.startsWith('product-'))).toEqual([]);
    expect(String(events.body)).not.toContain(customer.email);
  });

  it('exports everything to an admin', async () => {
    const events = await api.as('admin').request('GET', '/v1/audit/export/events');
    expect(events.status).toBe(200);
    expect(ndjson(events.body).map((event) => event.streamId)).toContain(`user-${customer.id}`);
  });
});

describe('history, state, diffs and causation trees', () => {
  it("serves an auditor a user's history but not the log of audit reads (admins only)", async () => {
    expect((await api.as('auditor').request('GET', `/v1/audit/streams/user-${customer.id}`)).status).toBe(200);
    const day = `audit-log-${new Date().toISOString().slice(0, 10)}`;
    for (const path of [day, `${day}/state`, `${day}/diff?fromRevision=0`]) {
      expectProblem(await api.as('auditor').request('GET', `/v1/audit/streams/${path}`), 403, 'log_data_forbidden');
    }
    expect((await api.as('admin').request('GET', `/v1/audit/streams/${day}`)).status).toBe(200);
  });

  // A causation tree leaves out the events of streams the caller may not read: causation-tree.unit.spec.ts.
  it("serves an auditor a causation tree across the streams they may read", async () => {
    const registered = await api.as('staff').request('POST', '/v1/products', {
      body: { sku: 'READ-2', name: 'Traced mug', price: { amount: 900, currency: 'EUR' } }, headers: { 'x-correlation-id': 'read-access-trace' },
    });
    expect(registered.status).toBe(201);
    // The correlation id as recorded: the staff user's id, a colon, then the id sent (request-context.ts).
    const tree = await api.as('auditor').request('GET', `/v1/audit/correlations/${registered.headers.get('x-correlation-id')}`);
    expect(tree.status).toBe(200);
    expect(tree.body.events.map((event: { streamId: string }) => event.streamId)).toEqual([`product-${registered.body.id}`]);
  });
});
