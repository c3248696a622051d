// Data keys wrapped with a key-encryption key from the configuration (PERSONAL_DATA_KEK), through
// the API in process: a copy of keys.db alone opens none of a customer's sealed values; the service
// restarted with the KEK reads them; restarted without it, it refuses (503), never shows them erased;
// after a rotation (new KEK, old one in PERSONAL_DATA_PREVIOUS_KEKS) old and new keys both open.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { newDataDir } from '../../test/support/app-under-test.js';
import type { TestUser } from '../../test/support/api-client.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import { ADDRESS, placeOrder, productWithStock, settled, waitForOrder } from '../../test/support/orders-client.js';
import type { EventStore } from '../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../eventstore/upcasting/upcasting-event-store.js';
import { isWrapped } from './key-wrapping.js';
import { isSealed, unseal } from './sealing.js';
import { KEYS_DB_FILE, SqliteSubjectKeyStore } from './sqlite/sqlite-subject-key-store.js';

jest.setTimeout(90_000);

const KEK = randomBytes(32).toString('base64');
const dataDir = newDataDir();
let api: ApiUnderTest | undefined;
let customer: TestUser;
let orderId: string;

/** Closes the service, keeping its data directory, and starts it again over it with `env`. */
async function restart(env: Record<string, string>): Promise<ApiUnderTest> {
  await api?.app.close();
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0', ...env }, dataDir);
  return api;
}

beforeAll(async () => {
  const service = await restart({ PERSONAL_DATA_KEK: KEK });
  customer = await service.newUser('customer');
  const product = await productWithStock(service, 5, 1200);
  const placed = await placeOrder(service, customer, [{ productId: product.id, quantity: 1 }]);
  expect(placed.status).toBe(201);
  orderId = placed.body.id;
  await waitForOrder(service, customer.token, orderId, settled);
});
afterAll(async () => {
  await api?.app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('data keys wrapped with a key-encryption key', () => {
  it('leave a copy of keys.db alone unable to open the sealed values', async () => {
    const [placed] = await api!.app.get<EventStore>(RAW_EVENT_STORE).readStream(`order-${orderId}`, { maxCount: 1 });
    const sealed = (placed!.data as { shippingAddress: unknown }).shippingAddress;
    if (!isSealed(sealed)) throw new Error('the address is not sealed');
    // What a thief of the key store's files gets: the database and its WAL, copied as they are.
    const elsewhere = newDataDir();
    const copy = join(elsewhere, KEYS_DB_FILE);
    for (const suffix of ['', '-wal']) {
      if (existsSync(join(dataDir, `${KEYS_DB_FILE}${suffix}`))) copyFileSync(join(dataDir, `${KEYS_DB_FILE}${suffix}`), `${copy}${suffix}`);
    }
    const stolen = new SqliteSubjectKeyStore(copy);
    try {
      const key = await stolen.find(customer.id);
      if (key?.state !== 'active') throw new Error('no key in the copy');
      expect(isWrapped(key.key)).toBe(true);
      expect(() => unseal(sealed, key.key, `${placed!.eventId}/shippingAddress`)).toThrow();
      expect(() => unseal(sealed, key.key.subarray(-32), `${placed!.eventId}/shippingAddress`)).toThrow();
    } finally {
      await stolen.close();
      rmSync(elsewhere, { recursive: true, force: true });
    }
    const order = await api!.request('GET', `/v1/orders/${orderId}`, { token: customer.token });
    expect(order.body.shippingAddress).toEqual(ADDRESS);
  });

  it('are refused, not shown as erased, by a service started without the KEK', async () => {
    const service = await restart({});
    // Even signing in reads an account's email: every read of a sealed value is refused.
    expectProblem(await service.request('POST', '/v1/auth/token', { body: { email: customer.email, password: customer.password } }), 503, 'key_store_unavailable');
    expect((await service.request('GET', '/health')).body).toEqual({ status: 'degraded' });
  });

  it('open with the previous KEK after a rotation, while new keys are wrapped with the new one', async () => {
    const service = await restart({ PERSONAL_DATA_KEK: randomBytes(32).toString('base64'), PERSONAL_DATA_PREVIOUS_KEKS: KEK });
    const history = await service.as('auditor').request('GET', `/v1/audit/streams/order-${orderId}`);
    expect(history.status).toBe(200);
    expect(history.body.items[0].data.shippingAddress).toEqual(ADDRESS);
    const newcomer = await service.newUser('customer');
    expect((await service.as('admin').request('GET', `/v1/admin/users/${newcomer.id}`)).body.email).toBe(newcomer.email);
  });
});
