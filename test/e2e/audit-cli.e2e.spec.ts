// The CLI (dist/src/cli/main.js, what `npm run cli --` runs) as an auditor uses it: through the
// running service with a token, and on the files of a stopped service, including a tampered one.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';

jest.setTimeout(90_000);

const CLI = resolve('dist/src/cli/main.js');
let app: AppUnderTest;
let out: string;
let productId: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'orderstream-cli-'));
  app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  for (let i = 0; i < 3; i++) {
    const product = await app.as('staff').request('POST', '/v1/products', { body: { sku: `CLI-${process.pid}-${i}`, name: `CLI ${i}`, price: { amount: 100 + i, currency: 'EUR' } } });
    productId = product.body.id;
    await app.as('staff').request('POST', `/v1/products/${productId}/stock-receipts`, { body: { quantity: 5, reference: `PO-${i}` } });
  }
});
afterAll(async () => {
  await app.destroy();
  rmSync(out, { recursive: true, force: true });
});

describe('npm run cli', () => {
  it('verifies through the running service with an auditor token, and refuses without the role', async () => {
    const ok = await cli(['verify', '--url', app.baseUrl, '--token', await app.tokenFor('auditor')]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('OK: every chain is intact');
    const refused = await cli(['verify', '--url', app.baseUrl, '--token', await app.tokenFor('staff')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('403');
  });

  it('says the files are locked while the service runs', async () => {
    const locked = await cli(['verify', '--data-dir', app.dataDir]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/events\.db is locked: the service is running on it.*--url/);
  });

  it('exports through the service and verifies the export offline with only the public key', async () => {
    const prefix = join(out, 'products');
    const exported = await cli(['export', '--out', prefix, '--stream-prefix', 'product-', '--url', app.baseUrl, '--token', await app.tokenFor('analyst')]);
    expect(exported.stderr).toBe('');
    expect(exported).toMatchObject({ code: 0, stdout: expect.stringContaining('Exported 6 events') });
    const keyAnswer = await app.as('auditor').request('GET', '/v1/audit/export/public-key');
    const publicKey = join(out, 'trusted.pub.pem');
    writeFileSync(publicKey, keyAnswer.body.publicKey);

    const verified = await cli(['verify-export', `${prefix}.ndjson`, '--public-key', publicKey]);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining('OK: 6 events') });

    writeFileSync(`${prefix}.ndjson`, readFileSync(`${prefix}.ndjson`, 'utf8').replace('"quantity":5', '"quantity":6'));
    const forged = await cli(['verify-export', `${prefix}.ndjson`, '--public-key', publicKey]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain('INVALID');

    const otherKey = join(out, 'other');
    expect((await cli(['keygen', '--out', otherKey])).code).toBe(0);
    const wrongKey = await cli(['verify-export', `${prefix}.ndjson`, '--public-key', `${otherKey}.pub.pem`]);
    expect(wrongKey.stdout).toContain('the signature does not match');
  });

  it('finds an event edited in the file of a stopped service, and exports from the files with the same key', async () => {
    await app.stop();
    const anchored = await cli(['anchor', '--data-dir', app.dataDir]);
    expect(anchored).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Anchored \d+ stream heads at position \d+/) });
    const clean = await cli(['export', '--out', join(out, 'offline'), '--data-dir', app.dataDir]);
    expect(clean).toMatchObject({ code: 0, stdout: expect.stringContaining('Exported') });
    // Signed with the key the service generated into its data directory, so one public key verifies both.
    expect(readFileSync(join(out, 'offline.public-key.pem'), 'utf8')).toBe(readFileSync(join(out, 'trusted.pub.pem'), 'utf8'));
    expect((await cli(['verify-export', join(out, 'offline.ndjson'), '--public-key', join(out, 'trusted.pub.pem')])).code).toBe(0);
    const db = new Database(join(app.dataDir, 'events.db'));
    db.prepare(`UPDATE events SET data = json_set(data, '$.quantity', 500) WHERE stream_id = ? AND revision = 1`).run(`product-${productId}`);
    db.close();
    const report = await cli(['verify', '--data-dir', app.dataDir, '--json']);
    expect(report.code).toBe(1);
    expect(JSON.parse(report.stdout)).toMatchObject({
      ok: false,
      problems: [{ streamId: `product-${productId}`, revision: 1, reason: 'hash_mismatch' }],
    });
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
  });
});
