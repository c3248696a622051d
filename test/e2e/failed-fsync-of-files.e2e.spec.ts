// A failed fsync of a SQLite file other than the event log, in the built service, with SQLite's own
// fsync made to fail the way a disk does (EIO): test/doubles/failing-fsync.c, a test double loaded
// with LD_PRELOAD, fails fsync(2) of one file while a marker file exists. The idempotency store
// (synchronous=FULL, a source of truth for retried commands) is the file here; the rule lives in
// the shared plumbing (src/sqlite/storage-monitor.ts), so the credential, key and read-model files
// follow it too. From the failure on, every write to that file answers 503 problem+json
// storage_fsync_failed, even once fsync works again; /health says a restart is needed; the log says
// so once; the other files go on. After the restart, what was acknowledged before is all there and
// the refused request, sent again, is taken exactly once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';
import { expectProblem } from '../support/expect-problem.js';

const workDir = mkdtempSync(join(tmpdir(), 'orderstream-failing-fsync-'));
const failingFsync = join(workDir, 'failing-fsync.so');
const failWhile = join(workDir, 'fail-now');
const dataDir = newDataDir();
let app: AppUnderTest | undefined;

beforeAll(() => {
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', failingFsync, resolve('test/doubles/failing-fsync.c'), '-ldl']);
});
afterAll(async () => {
  await app?.stop();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a failed fsync of the idempotency store', () => {
  it('refuses its writes with 503 until the restart, keeps the other files going, and loses nothing acknowledged', async () => {
    app = await startApp({ LD_PRELOAD: failingFsync, FAILING_FSYNC_OF: '/idempotency.db-wal', FAILING_FSYNC_WHILE: failWhile, MIN_POSITION_WAIT_MS: '2000' }, dataDir);
    // One user throughout: an Idempotency-Key belongs to its caller.
    const staff = await app.newUser('staff');
    const product = await app.request('POST', '/v1/products', { token: staff.token, body: { sku: 'FSYNC-FILES-1', name: 'Fsync', price: { amount: 100, currency: 'EUR' } } });
    expect(product.status).toBe(201);
    const receipts = `/v1/products/${product.body.id}/stock-receipts`;
    const receive = (running: AppUnderTest, quantity: number, key?: string) =>
      running.request('POST', receipts, { token: staff.token, body: { quantity, reference: `PO-${quantity}` }, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

    const acknowledged = await receive(app, 5, 'receipt-acknowledged');
    expect(acknowledged.status).toBe(200);

    writeFileSync(failWhile, '');
    const refused = await receive(app, 3, 'receipt-during-failure');
    expectProblem(refused, 503, 'storage_fsync_failed');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // The disk answers again: still refused, because the failed fsync may have lost pages for good.
    rmSync(failWhile);
    expectProblem(await receive(app, 1, 'receipt-after-failure'), 503, 'storage_fsync_failed');
    const health = await app.as('admin').request('GET', '/health');
    expect(health.body.details.idempotencyStore).toMatchObject({
      status: 'degraded',
      fault: { code: 'storage_fsync_failed', sqliteCode: 'SQLITE_IOERR_FSYNC', restartRequired: true },
    });
    expect(health.body.details.eventStore.status).toBe('up');
    // The stop is the idempotency store's alone: a command without a key still goes through.
    const unkeyed = await receive(app, 7);
    expect(unkeyed.status).toBe(200);
    expect(app.output().match(/idempotency store stopped/g)).toHaveLength(1);

    // The restart: the same data directory, without the failing disk.
    await app.stop();
    app = await startApp({ MIN_POSITION_WAIT_MS: '2000' }, dataDir);
    const replayed = await receive(app, 5, 'receipt-acknowledged');
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(acknowledged.body);
    const again = await receive(app, 3, 'receipt-during-failure');
    expect(again.status).toBe(200);
    expect((await receive(app, 3, 'receipt-during-failure')).body).toEqual(again.body);
    const read = await app.request('GET', `/v1/products/${product.body.id}`, { token: staff.token, headers: { 'x-min-position': String(again.body.position) } });
    expect(read.status).toBe(200);
    expect(read.body.onHand).toBe(5 + 7 + 3);
    expect((await app.as('admin').request('GET', '/health')).body.details.idempotencyStore.status).toBe('up');
  });
});
