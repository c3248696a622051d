// GET /v1/audit/streams/{streamId}/events/{revision}/proof through the API in process: a customer's
// order is proven against a witness's copy of the anchors (GET /v1/audit/anchors) and the audit
// public key, before and after the customer is erased; what cannot be proven is refused plainly.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createPublicKey, randomUUID } from 'node:crypto';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import type { TestUser } from '../../../test/support/api-client.js';
import { expectProblem } from '../../../test/support/expect-problem.js';
import { ADDRESS, placeOrder, productWithStock, settled, waitForOrder } from '../../../test/support/orders-client.js';
import type { EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import type { WitnessedAnchor } from '../anchors/anchor-witness.js';
import { checkEventProof } from './event-proof.js';

jest.setTimeout(90_000);

let api: ApiUnderTest;
let customer: TestUser;
let orderId: string;
let productId: string;

const proofPath = (streamId: string, revision: number | string, query = '') => `/v1/audit/streams/${streamId}/events/${revision}/proof${query}`;

/** What a witness and a verifier hold: the anchors as handed out, and the public key got by a trusted channel. */
async function witnessAndKey() {
  const anchors = await api.as('auditor').request('GET', '/v1/audit/anchors');
  const key = (await api.as('auditor').request('GET', '/v1/audit/export/public-key')).body as { keyId: string; publicKey: string };
  return { witness: anchors.body.items as WitnessedAnchor[], trusted: new Map([[key.keyId, createPublicKey(key.publicKey)]]) };
}

beforeAll(async () => {
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  customer = await api.newUser('customer');
  productId = (await productWithStock(api, 10, 1500)).id;
  const placed = await placeOrder(api, customer, [{ productId, quantity: 2 }]);
  expect(placed.status).toBe(201);
  orderId = placed.body.id;
  await waitForOrder(api, customer.token, orderId, settled);
  expect((await api.as('auditor').request('POST', '/v1/audit/anchors')).status).toBe(200);
});
afterAll(async () => {
  await api?.destroy();
});

describe('the proof of an event', () => {
  it('checks offline against the anchors a witness copied, with the personal values sealed in it, and the read is recorded', async () => {
    const answer = await api.as('auditor').request('GET', proofPath(`order-${orderId}`, 0));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ format: 'orderstream-proof/1', event: { streamId: `order-${orderId}`, revision: 0, type: 'OrderPlaced' } });
    const text = JSON.stringify(answer.body);
    for (const plain of [ADDRESS.name, ADDRESS.line1]) expect(text).not.toContain(plain);
    expect(text).toContain('"$sealed"');
    const { witness, trusted } = await witnessAndKey();
    expect(checkEventProof(answer.body, witness, trusted)).toMatchObject({ ok: true, problems: [] });

    const reads = await api.as('admin').request('GET', '/v1/admin/audit-reads');
    expect(reads.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ route: '/v1/audit/streams/:streamId/events/:revision/proof', params: { streamId: `order-${orderId}`, revision: '0' } })]));
  });

  it('still checks after the customer is erased, and is the same proof', async () => {
    const before = (await api.as('auditor').request('GET', proofPath(`order-${orderId}`, 0))).body;
    const erased = await api.as('admin').request('POST', `/v1/admin/data-subjects/${customer.id}/erasure`, { body: { reason: 'GDPR art. 17 request #78' } });
    expect(erased.status).toBe(200);
    const after = await api.as('admin').request('GET', proofPath(`order-${orderId}`, 0));
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before);
    const { witness, trusted } = await witnessAndKey();
    expect(checkEventProof(after.body, witness, trusted)).toMatchObject({ ok: true });
  });

  it('is for auditors and admins, and refuses what cannot be proven in a problem', async () => {
    for (const role of ['customer', 'staff', 'analyst'] as const) expect((await api.as(role).request('GET', proofPath(`product-${productId}`, 0))).status).toBe(403);
    expectProblem(await api.as('auditor').request('GET', proofPath('product-00000000-0000-4000-8000-000000000000', 0)), 404, 'stream_not_found');
    expectProblem(await api.as('auditor').request('GET', proofPath(`product-${productId}`, 999)), 404, 'event_not_found');
    expectProblem(await api.as('auditor').request('GET', proofPath(`product-${productId}`, 'first')), 400, 'invalid_revision');
    expectProblem(await api.as('auditor').request('GET', proofPath(`product-${productId}`, 0, '?anchorRevision=-1')), 400, 'validation_failed');

    // Written after the latest anchor: not provable until the next one.
    const received = await api.as('staff').request('POST', `/v1/products/${productId}/stock-receipts`, { body: { quantity: 1, reference: 'PO-late' } });
    expect(received.status).toBe(200);
    expectProblem(await api.as('auditor').request('GET', proofPath(`product-${productId}`, received.body.revision)), 409, 'not_anchored_yet');
    expect((await api.as('auditor').request('POST', '/v1/audit/anchors')).status).toBe(200);
    const anchored = await api.as('auditor').request('GET', proofPath(`product-${productId}`, received.body.revision));
    expect(anchored.status).toBe(200);
    const { witness, trusted } = await witnessAndKey();
    expect(checkEventProof(anchored.body, witness, trusted).ok).toBe(true);
    // Asked against an anchor that does not cover it.
    expectProblem(await api.as('auditor').request('GET', proofPath(`product-${productId}`, received.body.revision, `?anchorRevision=${witness[0]!.revision}`)), 409, 'not_anchored_yet');
  });

  it('is refused for an old event holding a secret that no one is shown (a v1 password hash)', async () => {
    const streamId = `legacy-${randomUUID()}`;
    const metadata = { actor: { system: 'test' }, commandId: randomUUID(), commandType: 'Register', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
    await api.app.get<EventStore>(RAW_EVENT_STORE).append(streamId, [{ eventId: randomUUID(), type: 'UserRegistered', data: { passwordHash: '$scrypt$old' }, metadata }], 'no_stream');
    expect((await api.as('auditor').request('POST', '/v1/audit/anchors')).status).toBe(200);
    const refused = await api.as('admin').request('GET', proofPath(streamId, 0));
    expectProblem(refused, 422, 'proof_holds_secret');
    expect(JSON.stringify(refused.body)).not.toContain('$scrypt$old');
  });
});
