// The key store of personal data failing under a running service (keys.db no longer readable: its
// connection closed under the service), through the API in process: /health says degraded and names
// the key store, a write that must seal a value answers 503 problem+json and appends nothing, and
// what needs no key goes on.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import type { EventStore } from '../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import { SUBJECT_KEY_STORE, type SubjectKeyStore } from './subject-key-store.port.js';

jest.setTimeout(60_000);

let api: ApiUnderTest;

beforeAll(async () => {
  api = await startApi();
  expect((await api.as('staff').request('GET', '/v1/products')).status).toBe(200); // the staff account exists before the fault
});
afterAll(async () => {
  await api?.destroy();
});

describe('an unreadable key store', () => {
  it('leaves the service degraded, refuses sealing writes with 503 and writes nothing of them', async () => {
    const healthy = await api.as('admin').request('GET', '/health');
    expect(healthy.body.details.keyStore).toEqual({ status: 'up' });

    await api.app.get<SubjectKeyStore>(SUBJECT_KEY_STORE).close();
    const raw = api.app.get<EventStore>(RAW_EVENT_STORE);
    const headBefore = await raw.headPosition();

    // A new customer's email must be sealed under a key that cannot be made.
    const email = `fault-${randomUUID()}@example.com`;
    const registered = await api.request('POST', '/v1/customers', { body: { email, password: 'a long enough passphrase 42' } });
    expectProblem(registered, 503, 'key_store_unavailable');
    expect(registered.headers.get('retry-after')).toBe('2');
    expect(registered.body.detail).toContain('nothing was written');
    expect(await raw.headPosition()).toBe(headBefore);
    expect((await api.request('POST', '/v1/auth/token', { body: { email, password: 'a long enough passphrase 42' } })).status).toBe(401);

    const health = await api.as('admin').request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.details.keyStore).toMatchObject({ status: 'degraded', message: expect.any(String) });
    expect((await api.request('GET', '/health/ready')).body).toEqual({ status: 'degraded' });

    // What needs no key goes on.
    const product = await api.as('staff').request('POST', '/v1/products', { body: { sku: `KF-${process.pid}`, name: 'Keyless mug', price: { amount: 900, currency: 'EUR' } } });
    expect(product.status).toBe(201);
  });
});
