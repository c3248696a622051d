// A full disk under the embedded stores, through the HTTP API in process (createApp + inject).
// Each store's SQLite file is capped at its current size (SQLite's max_page_count, which fails
// writes with SQLITE_FULL exactly as a full disk does; no root needed), then uncapped as if space
// had been freed. Writes must answer 503 problem+json with Retry-After (never 500), /health must
// say which store is degraded, reads keep working, nothing is parked or lost, and everything
// recovers without a restart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CREDENTIAL_STORE } from '../credentialstore/credential-store.port.js';
import type { SqliteCredentialStore } from '../credentialstore/sqlite/sqlite-credential-store.js';
import { EVENT_STORE_SELECTION, type StoreSelection } from '../eventstore/event-store-selection.js';
import type { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { IDEMPOTENCY_STORE } from '../idempotency/idempotency-store.port.js';
import type { SqliteIdempotencyStore } from '../idempotency/sqlite-idempotency-store.js';
import type { EmbeddedReadStore } from '../readstore/embedded/embedded-read-store.js';
import { READ_STORE_SELECTION } from '../readstore/read-store-selection.js';
import type { HttpAnswer, Requester } from '../../test/support/api-client.js';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import type { StorageMonitor } from './storage-monitor.js';

let api: ApiUnderTest;
const staff: Requester = (method, path, options) => api.as('staff').request(method, path, options);
const health = () => api.as('admin').request('GET', '/health');
let counter = 0;
/** A long name fills pages quickly. */
const registerProduct = (headers: Record<string, string> = {}) => {
  const sku = `FULL-${++counter}`;
  return staff('POST', '/v1/products', { headers, body: { sku, name: `${sku} ${'x'.repeat(190)}`, price: { amount: 100, currency: 'EUR' } } });
};

beforeAll(async () => {
  api = await startApi({ MIN_POSITION_WAIT_MS: '500' });
});
afterEach(() => {
  for (const name of ['eventStore', 'readStore', 'idempotency'] as const) storage(name).uncap();
  api.app.get<SqliteCredentialStore>(CREDENTIAL_STORE).storage.uncap();
});
afterAll(async () => {
  await api?.destroy();
});

function storage(name: 'eventStore' | 'readStore' | 'idempotency'): StorageMonitor {
  if (name === 'eventStore') return api.app.get<StoreSelection<SqliteEventStore>>(EVENT_STORE_SELECTION).store.storage;
  if (name === 'readStore') return api.app.get<StoreSelection<EmbeddedReadStore>>(READ_STORE_SELECTION).store.storage;
  return api.app.get<SqliteIdempotencyStore>(IDEMPOTENCY_STORE).storage;
}

/** Sends writes until one is refused (bounded); every answer before it must be a 201. */
async function writeUntilRefused(write: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
  for (let i = 0; i < 300; i += 1) {
    const answer = await write();
    if (answer.status !== 201) return answer;
  }
  throw new Error('the capped file never refused a write');
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function expectStorageFull(answer: HttpAnswer): void {
  expectProblem(answer, 503, 'storage_full');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('a full disk', () => {
  it('under the event log: writes answer 503 storage_full with Retry-After, /health says degraded, reads go on, and all recovers when space returns', async () => {
    const before = await registerProduct();
    expect(before.status).toBe(201);
    storage('eventStore').capPages(1);

    const refused = await writeUntilRefused(() => registerProduct());

    expectStorageFull(refused);
    expectStorageFull(await registerProduct());
    const degraded = await health();
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.details.eventStore).toMatchObject({ status: 'degraded', fault: { code: 'storage_full', sqliteCode: 'SQLITE_FULL' } });
    expect((await staff('GET', `/v1/products/${before.body.id}`, { headers: { 'x-min-position': before.body.position } })).status).toBe(200);

    storage('eventStore').uncap();

    const after = await registerProduct();
    expect(after.status).toBe(201);
    expect((await staff('GET', `/v1/products/${after.body.id}`, { headers: { 'x-min-position': after.body.position } })).status).toBe(200);
    expect((await health()).body).toMatchObject({ status: 'ok', details: { eventStore: { status: 'up' } } });
  });

  it('under the read models: the projections wait without parking anything, /health says degraded, and they catch up, losing nothing, when space returns', async () => {
    storage('readStore').capPages(1);
    const written: { id: string; position: string }[] = [];

    const degraded = await eventually(
      async () => {
        const answer = await registerProduct();
        expect(answer.status).toBe(201); // the log is not full: commands go on
        written.push(answer.body);
        return health();
      },
      (answer) => answer.body.details.readStore.status === 'degraded',
    );

    expect(degraded.body.details.readStore).toMatchObject({ status: 'degraded', fault: { code: 'storage_full' } });
    for (let i = 0; i < 5; i += 1) {
      const answer = await registerProduct();
      expect(answer.status).toBe(201);
      written.push(answer.body);
    }
    const last = written.at(-1)!;

    storage('readStore').uncap();

    const caughtUp = await eventually(
      () => staff('GET', `/v1/products/${last.id}`, { headers: { 'x-min-position': last.position } }),
      (answer) => answer.status === 200,
    );
    expect(caughtUp.status).toBe(200);
    for (const { id } of written) expect((await staff('GET', `/v1/products/${id}`)).status).toBe(200);
    expect((await api.as('admin').request('GET', '/v1/admin/parked-events')).body.items).toEqual([]);
    expect((await eventually(health, (answer) => answer.body.status === 'ok')).body.details.readStore.status).toBe('up');
  });

  it('under the idempotency keys: a keyed write answers 503 storage_full, /health says degraded, and keyed writes work once space returns', async () => {
    storage('idempotency').capPages(1);

    const refused = await writeUntilRefused(() => registerProduct({ 'idempotency-key': `full-${counter}` }));

    expectStorageFull(refused);
    expect((await health()).body.details.idempotencyStore).toMatchObject({ status: 'degraded', fault: { code: 'storage_full' } });
    storage('idempotency').uncap();
    const retried = await registerProduct({ 'idempotency-key': 'after-the-disk-filled' });
    expect(retried.status).toBe(201);
    expect((await health()).body.status).toBe('ok');
  });

  it('under the credentials: a registration answers 503 storage_full, /health says degraded, and registrations work once space returns', async () => {
    const credentials = api.app.get<SqliteCredentialStore>(CREDENTIAL_STORE);
    credentials.storage.capPages(1);
    // Fill the file's last page directly (hashing a password per row would take a second each).
    let filled = false;
    for (let i = 0; i < 500 && !filled; i += 1) {
      filled = await credentials.put(`filler-${i}`, 'credential', 'x'.repeat(150), new Date().toISOString()).then(() => false, () => true);
    }
    expect(filled).toBe(true);

    const refused = await api.request('POST', '/v1/customers', { body: { email: `full-${++counter}@orderstream.test`, password: 'a password long enough' } });

    expectStorageFull(refused);
    expect((await health()).body.details.credentialStore).toMatchObject({ status: 'degraded', fault: { code: 'storage_full' } });
    credentials.storage.uncap();
    const registered = await api.request('POST', '/v1/customers', { body: { email: `after-${counter}@orderstream.test`, password: 'a password long enough' } });
    expect(registered.status).toBe(201);
    expect((await health()).body.status).toBe('ok');
  });
});
