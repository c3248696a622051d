// A witness outside the store over real HTTP and the CLI against the built service: an auditor
// copies the signed anchors to a file (`anchors --out`), someone without the audit key rewrites
// an event in events.db with every chain and anchor recomputed (test/support/log-forgery.ts),
// and `verify --witness` catches it, on the files and through the restarted service.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgeLog } from '../support/log-forgery.js';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';
import { cli } from '../support/cli-under-test.js';

jest.setTimeout(90_000);

let app: AppUnderTest;
let out: string;
let productId: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'orderstream-witness-'));
  app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  const product = await app.as('staff').request('POST', '/v1/products', { body: { sku: `WIT-${process.pid}`, name: 'Witnessed mug', price: { amount: 900, currency: 'EUR' } } });
  productId = product.body.id;
  await app.as('staff').request('POST', `/v1/products/${productId}/stock-receipts`, { body: { quantity: 5, reference: 'PO-w' } });
});
afterAll(async () => {
  await app?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe('witnessed anchors', () => {
  it('GET /v1/audit/anchors is for auditors and admins', async () => {
    expect((await app.request('GET', '/v1/audit/anchors')).status).toBe(401);
    for (const role of ['customer', 'staff', 'analyst'] as const) expect((await app.as(role).request('GET', '/v1/audit/anchors')).status).toBe(403);
    expect((await app.as('auditor').request('GET', '/v1/audit/anchors?limit=0')).status).toBe(400);
  });

  it('a witness copy catches a log rewritten by someone without the key, which the store alone cannot tell', async () => {
    const token = await app.tokenFor('auditor');
    expect((await app.as('auditor').request('POST', '/v1/audit/anchors')).status).toBe(200);
    const witness = join(out, 'witness.ndjson');
    const copied = await cli(['anchors', '--url', app.baseUrl, '--token', token, '--out', witness]);
    expect(copied).toMatchObject({ code: 0 });
    expect(copied.stdout).toContain('1 new anchor(s) witnessed');
    const line = JSON.parse(readFileSync(witness, 'utf8').trim()) as { data: { keyId: string; signature: string } };
    const publicKey = (await app.as('auditor').request('GET', '/v1/audit/export/public-key')).body;
    expect(line.data).toMatchObject({ keyId: publicKey.keyId, signature: expect.any(String) });
    writeFileSync(join(out, 'audit.pub.pem'), publicKey.publicKey);

    // More anchors later: the next run appends only the new one.
    await app.as('staff').request('POST', `/v1/products/${productId}/stock-receipts`, { body: { quantity: 1, reference: 'PO-w2' } });
    await app.as('auditor').request('POST', '/v1/audit/anchors');
    expect((await cli(['anchors', '--url', app.baseUrl, '--token', token, '--out', witness])).stdout).toContain('1 new anchor(s) witnessed');
    expect(readFileSync(witness, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(await cli(['verify', '--url', app.baseUrl, '--token', token, '--witness', witness, '--public-key', join(out, 'audit.pub.pem')])).toMatchObject({ code: 0 });

    // --since: only the anchors recorded at or after a moment.
    const witnessed = readFileSync(witness, 'utf8').trim().split('\n').map((text) => JSON.parse(text) as { revision: number; recordedAt: string });
    const sinceSecond = new Date(Date.parse(witnessed[0]!.recordedAt) + 1).toISOString();
    const printed = async (since: string) => (await cli(['anchors', '--url', app.baseUrl, '--token', token, '--since', since])).stdout.trim().split('\n').filter(Boolean).map((text) => (JSON.parse(text) as { revision: number }).revision);
    expect(await printed('2000-01-01T00:00:00Z')).toEqual(witnessed.map((anchor) => anchor.revision));
    expect(await printed(sinceSecond)).toEqual(witnessed.filter((anchor) => anchor.recordedAt >= sinceSecond).map((anchor) => anchor.revision));
    expect(await printed('2999-01-01T00:00:00Z')).toEqual([]);
    const badSince = await cli(['anchors', '--url', app.baseUrl, '--token', token, '--since', 'last tuesday']);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since must be an ISO-8601 time');

    // The proof of one event, checked with nothing but the proof, the witness and the public key.
    const proof = await app.as('auditor').request('GET', `/v1/audit/streams/product-${productId}/events/1/proof`);
    expect(proof.status).toBe(200);
    writeFileSync(join(out, 'proof.json'), JSON.stringify(proof.body));
    const proven = await cli(['verify-proof', join(out, 'proof.json'), '--witness', witness, '--public-key', join(out, 'audit.pub.pem')]);
    expect(proven).toMatchObject({ code: 0 });
    expect(proven.stdout).toContain(`OK: product-${productId}@1 (StockReceived`);
    writeFileSync(join(out, 'forged-proof.json'), JSON.stringify(proof.body).replace('"quantity":5', '"quantity":500'));
    const forged = await cli(['verify-proof', join(out, 'forged-proof.json'), '--witness', witness, '--public-key', join(out, 'audit.pub.pem')]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain('INVALID');
    expect((await cli(['verify-proof', join(out, 'proof.json'), '--witness', witness])).code).toBe(2); // no key given: said, not guessed

    await app.stop();
    forgeLog(join(app.dataDir, 'events.db'), `product-${productId}`, 1, (data) => ({ ...(data as object), quantity: 500 }), 'strip-signatures');

    // Alone, the store looks like an old log with unsigned anchors: consistent.
    const alone = await cli(['verify', '--data-dir', app.dataDir, '--public-key', join(out, 'audit.pub.pem')]);
    expect(alone.code).toBe(0);
    const checked = await cli(['verify', '--data-dir', app.dataDir, '--witness', witness, '--public-key', join(out, 'audit.pub.pem')]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`product-${productId} @ revision 2`); // the anchored head after the forged event no longer matches
    expect(checked.stdout).toContain('anchor_mismatch');
    expect(checked.stdout).toContain('witness_mismatch');

    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
    const throughService = await cli(['verify', '--url', app.baseUrl, '--token', await app.tokenFor('auditor'), '--witness', witness, '--public-key', join(out, 'audit.pub.pem')]);
    expect(throughService.code).toBe(1);
    expect(throughService.stdout).toContain('witness_mismatch');
  });
});
