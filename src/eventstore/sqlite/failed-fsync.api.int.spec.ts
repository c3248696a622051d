// A failed fsync of the event log, through the HTTP API in process ("fsyncgate": a later fsync that
// succeeds would not prove the earlier frames reached the disk). The WAL's fsync is made to fail
// the way a disk does (EIO) through the store's fsync seam. Every append from then on answers 503
// problem+json storage_fsync_failed, even once fsync works again, /health says a restart is needed,
// and after the restart nothing acknowledged is missing and the refused request, sent again with
// its Idempotency-Key, is recorded exactly once.
import { fsync as realFsync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE_SELECTION, type StoreSelection } from '../event-store-selection.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { expectProblem } from '../../../test/support/expect-problem.js';

let api: ApiUnderTest | undefined;
afterAll(async () => {
  await api?.destroy();
});

const eventStoreOf = (running: ApiUnderTest) => running.app.get<StoreSelection<SqliteEventStore>>(EVENT_STORE_SELECTION).store;
const failingFsync = (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) =>
  setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })));

describe('a failed fsync of the event log', () => {
  it('refuses every append with 503 until the restart, which finds every acknowledged event and takes the refused request again once', async () => {
    api = await startApi({ MIN_POSITION_WAIT_MS: '2000' });
    const staff = await api.newUser('staff');
    const send = (running: ApiUnderTest, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      running.request(method, path, { token: staff.token, headers, ...(body === undefined ? {} : { body }) });

    const product = await send(api, 'POST', '/v1/products', { sku: 'FSYNC-1', name: 'Fsync', price: { amount: 100, currency: 'EUR' } });
    expect(product.status).toBe(201);
    const receipts = `/v1/products/${product.body.id}/stock-receipts`;
    const acknowledged = await send(api, 'POST', receipts, { quantity: 5, reference: 'PO-ACK' });
    expect(acknowledged.status).toBe(200);

    eventStoreOf(api).replaceFsync(failingFsync);
    const refused = await send(api, 'POST', receipts, { quantity: 3, reference: 'PO-REFUSED' }, { 'idempotency-key': 'receipt-during-failure' });
    expectProblem(refused, 503, 'storage_fsync_failed');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // The disk answers again: still refused, because the failed fsync may have lost frames for good.
    eventStoreOf(api).replaceFsync(realFsync);
    expectProblem(await send(api, 'POST', receipts, { quantity: 1, reference: 'PO-LATER' }), 503, 'storage_fsync_failed');
    expectProblem(await send(api, 'POST', '/v1/products', { sku: 'FSYNC-2', name: 'Other', price: { amount: 1, currency: 'EUR' } }), 503, 'storage_fsync_failed');
    const health = await api.as('admin').request('GET', '/health');
    expect(health.body.details.eventStore).toMatchObject({
      status: 'degraded',
      fault: { code: 'storage_fsync_failed', sqliteCode: 'SQLITE_IOERR_FSYNC', restartRequired: true },
    });
    // Reads go on.
    expect((await send(api, 'GET', `/v1/products/${product.body.id}`, undefined, { 'x-min-position': acknowledged.body.position })).body.onHand).toBe(5);

    // The restart: the same data directory, read again from the disk.
    const dataDir = api.dataDir;
    await api.app.close();
    api = await startApi({ MIN_POSITION_WAIT_MS: '2000' }, dataDir);
    const again = await send(api, 'POST', receipts, { quantity: 3, reference: 'PO-REFUSED' }, { 'idempotency-key': 'receipt-during-failure' });
    expect(again.status).toBe(200);
    const read = await send(api, 'GET', `/v1/products/${product.body.id}`, undefined, { 'x-min-position': again.body.position });
    expect(read.status).toBe(200);
    expect(read.body.onHand).toBe(5 + 3);
    expect((await api.as('admin').request('GET', '/health')).body.details.eventStore.status).toBe('up');
  });
});
