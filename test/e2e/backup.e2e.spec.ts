// Backup and restore on the built service: `npm run cli -- backup` copies the event log, the
// credential store and the key store of personal data while writers keep going; the copies, put in
// a fresh DATA_DIR, start a service that has every write acknowledged before the backup began, with
// intact hash chains, whose accounts sign in with their passwords (the hashes are not in the log)
// and whose personal data reads as written (it is sealed in the log with keys kept apart).
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { TEST_ADMIN, newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';
import { cli } from '../support/cli-under-test.js';

const cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe('backup and restore', () => {
  it('a backup taken while writes go on holds every acknowledged write from before it began, and restores into a working service', async () => {
    const app: AppUnderTest = await startApp();
    cleanup.push(() => app.destroy());
    const backupDir = mkdtempSync(join(tmpdir(), 'orderstream-backup-'));
    cleanup.push(async () => rmSync(backupDir, { recursive: true, force: true }));
    const acknowledged: { id: string; sku: string; at: number }[] = [];
    let writing = true;
    let counter = 0;
    const writer = async () => {
      while (writing && counter < 2000) {
        const sku = `BACKUP-${++counter}`;
        const answer = await app.as('staff').request('POST', '/v1/products', { body: { sku, name: `Product ${sku}`, price: { amount: 100, currency: 'EUR' } } });
        expect(answer.status).toBe(201);
        acknowledged.push({ id: answer.body.id, sku, at: Date.now() });
      }
    };
    const writers = [writer(), writer(), writer()];
    while (acknowledged.length < 50) await new Promise((resolve) => setTimeout(resolve, 20));
    const token = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const customer = await app.newUser('customer');

    const startedAt = Date.now();
    const backup = await cli(['backup', '--to', backupDir, '--url', app.baseUrl, '--token', token]);
    const writtenDuring = acknowledged.filter((write) => write.at > startedAt).length;
    writing = false;
    await Promise.all(writers);

    expect(backup).toMatchObject({ code: 0, stdout: expect.stringMatching(/events\.db: every event up to position \d+/) });
    expect(writtenDuring).toBeGreaterThan(0); // the service kept writing while the copy was made
    expect(backup.stdout).toMatch(/credentials\.db: every stored credential/);
    expect(backup.stdout).toMatch(/keys\.db: every key of personal data/);
    expect(readdirSync(backupDir).sort()).toEqual(['credentials.db', 'events.db', 'keys.db']);
    expect(readdirSync(app.dataDir).filter((name) => name.startsWith('.backup-'))).toEqual([]);

    const restoredDir = newDataDir();
    for (const file of ['events.db', 'credentials.db', 'keys.db']) copyFileSync(join(backupDir, file), join(restoredDir, file));
    const restored = await startApp({}, restoredDir);
    cleanup.push(() => restored.destroy());
    // Not only the first admin (whose password comes back from ADMIN_PASSWORD): every account.
    const signIn = await restored.request('POST', '/v1/auth/token', { body: { email: customer.email, password: customer.password } });
    expect(signIn.status).toBe(200);
    expect((await restored.as('admin').request('GET', `/v1/admin/users/${customer.id}`)).body.email).toBe(customer.email); // sealed in the log, opened with the restored key
    const before = acknowledged.filter((write) => write.at <= startedAt);
    const last = await restored.as('staff').request('POST', '/v1/products', { body: { sku: 'AFTER-RESTORE', name: 'After', price: { amount: 1, currency: 'EUR' } } });
    expect(last.status).toBe(201);
    const caughtUp = await restored.as('staff').request('GET', `/v1/products/${last.body.id}`, { headers: { 'x-min-position': last.body.position } });
    expect(caughtUp.status).toBe(200);
    for (const { id, sku } of before) {
      const product = await restored.as('staff').request('GET', `/v1/products/${id}`);
      expect({ status: product.status, sku: product.body.sku }).toEqual({ status: 200, sku });
    }
    const verified = await restored.as('auditor').request('GET', '/v1/audit/verify');
    expect(verified.body).toMatchObject({ ok: true, problems: [] });
  }, 120_000);

  it('from the files of a stopped service, and refuses to overwrite a backup', async () => {
    const app = await startApp();
    cleanup.push(() => app.destroy());
    const registered = await app.as('staff').request('POST', '/v1/products', { body: { sku: 'STOPPED-1', name: 'Stopped', price: { amount: 1, currency: 'EUR' } } });
    expect(registered.status).toBe(201);
    await app.stop();
    const backupDir = mkdtempSync(join(tmpdir(), 'orderstream-backup-'));
    cleanup.push(async () => rmSync(backupDir, { recursive: true, force: true }));

    const backup = await cli(['backup', '--to', backupDir, '--data-dir', app.dataDir]);
    const again = await cli(['backup', '--to', backupDir, '--data-dir', app.dataDir]);

    expect(backup).toMatchObject({ code: 0, stdout: expect.stringContaining(`every event up to position ${registered.body.position}`) });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('exists: back up into a new directory');
    expect(again.stderr).not.toMatch(/\n\s+at\s/);
  }, 60_000);
});
