// Inventory's use cases through the HTTP API, in process (the fast int tier: createApp + inject,
// test/support/api-under-test.ts): a warehouse tool registers products, receives and adjusts
// stock and changes prices. Input validation, idempotency, races and listing stay in the e2e tier
// (test/e2e/inventory.e2e.spec.ts, on the built service).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Requester } from '../../test/support/api-client.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';

let api: ApiUnderTest;
// Inventory is the warehouse staff's work (who else may do it: src/access/access.api.int.spec.ts).
const staff: Requester = (method, path, options) => api.as('staff').request(method, path, options);
let skuCounter = 0;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.destroy();
});

async function givenProduct(amount = 1299): Promise<{ id: string; revision: number; position: string }> {
  const sku = `INT-${++skuCounter}`;
  const registered = await staff('POST', '/v1/products', { body: { sku, name: `Product ${sku}`, price: { amount, currency: 'EUR' } } });
  expect(registered.status).toBe(201);
  return registered.body;
}

async function givenStock(id: string, quantity: number): Promise<{ id: string; revision: number; position: string }> {
  const received = await staff('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity, reference: 'PO-GIVEN' } });
  expect(received.status).toBe(200);
  return received.body;
}

const readProduct = (id: string, position: string) => staff('GET', `/v1/products/${id}`, { headers: { 'x-min-position': position } });

describe('register-product', () => {
  it('answers 201 {id, revision, position} with a Location; the product reads back at that position, with its ETag', async () => {
    const registered = await staff('POST', '/v1/products', { body: { sku: 'MUG-RED', name: 'Red mug', price: { amount: 1299, currency: 'EUR' } } });

    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    expect(registered.headers.get('location')).toBe(`/v1/products/${registered.body.id}`);
    const product = await readProduct(registered.body.id, registered.body.position);
    expect(product.status).toBe(200);
    expect(product.body).toEqual({
      id: registered.body.id, sku: 'MUG-RED', name: 'Red mug', price: { amount: 1299, currency: 'EUR' },
      onHand: 0, reserved: 0, available: 0, revision: 0,
    });
    expect(product.headers.get('etag')).toBe('"0"');
  });
});

describe('receive-stock', () => {
  it('adds the quantity to what is on hand and answers the next revision', async () => {
    const { id } = await givenProduct();

    const received = await staff('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 10, reference: 'PO-1' } });

    expect(received.status).toBe(200);
    expect(received.body).toEqual({ id, revision: 1, position: expect.stringMatching(/^\d+$/) });
    expect((await readProduct(id, received.body.position)).body).toMatchObject({ onHand: 10, reserved: 0, available: 10, revision: 1 });
  });

  it('honours If-Match: the current revision passes, a stale one answers 412 and records nothing', async () => {
    const { id } = await givenProduct();
    const receipt = (reference: string, ifMatch: string) =>
      staff('POST', `/v1/products/${id}/stock-receipts`, { body: { quantity: 1, reference }, headers: { 'if-match': ifMatch } });
    expect((await receipt('PO-2', '"0"')).status).toBe(200);

    const stale = await receipt('PO-3', '"0"');

    expectProblem(stale, 412, 'precondition_failed');
    // Still at revision 1: that revision passes, and the stock holds the two receipts that passed.
    const next = await receipt('PO-4', '"1"');
    expect(next.body).toMatchObject({ id, revision: 2 });
    const product = await readProduct(id, next.body.position);
    expect(product.body).toMatchObject({ onHand: 2, revision: 2 });
    expect(product.headers.get('etag')).toBe('"2"');
  });
});

describe('adjust-stock', () => {
  it('takes stock off with a reason', async () => {
    const { id } = await givenProduct();
    await givenStock(id, 5);

    const adjusted = await staff('POST', `/v1/products/${id}/stock-adjustments`, { body: { quantityChange: -3, reason: 'damaged' } });

    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ id, revision: 2 });
    expect((await readProduct(id, adjusted.body.position)).body).toMatchObject({ onHand: 2, available: 2, revision: 2 });
  });

  it('refuses to take stock below zero: 409 insufficient_stock, and nothing changes', async () => {
    const { id } = await givenProduct();
    await givenStock(id, 2);
    const adjust = (quantityChange: number) => staff('POST', `/v1/products/${id}/stock-adjustments`, { body: { quantityChange, reason: 'count' } });

    const refused = await adjust(-3);

    expectProblem(refused, 409, 'insufficient_stock');
    // The two on hand are all still there, at the revision after the receipt.
    const all = await adjust(-2);
    expect(all.body).toMatchObject({ id, revision: 2 });
    expect((await readProduct(id, all.body.position)).body).toMatchObject({ onHand: 0, available: 0, revision: 2 });
  });
});

describe('change-price', () => {
  it('a new price answers the next revision and is what the catalogue shows', async () => {
    const { id } = await givenProduct(999);

    const repriced = await staff('PUT', `/v1/products/${id}/price`, { body: { amount: 1500, currency: 'EUR' } });

    expect(repriced.status).toBe(200);
    expect(repriced.body).toMatchObject({ id, revision: 1 });
    expect((await readProduct(id, repriced.body.position)).body).toMatchObject({ price: { amount: 1500, currency: 'EUR' }, revision: 1 });
  });

  it('the price it already has records nothing: the answer is the current revision and position', async () => {
    const registered = await givenProduct(999);

    const same = await staff('PUT', `/v1/products/${registered.id}/price`, { body: { amount: 999, currency: 'EUR' } });

    expect(same.status).toBe(200);
    expect(same.body).toEqual(registered);
  });
});
