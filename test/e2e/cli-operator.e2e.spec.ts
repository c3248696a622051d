// The CLI as a newcomer meets it: `npx orderstream` runs the built code (no compilation per call),
// the token comes from ORDERSTREAM_TOKEN, output folders are created, a data directory without a
// log is refused, the export's public key is served and accepted as PEM (or as the route's JSON)
// with the signing key named, and every failure is one sentence, never a stack trace.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';

jest.setTimeout(180_000);

const BIN = resolve('bin/orderstream.js');
const STACK_FRAME = /^\s+at /m;
let app: AppUnderTest;
let out: string;

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd: resolve('.'), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
const cli = (args: string[], env: Record<string, string> = {}) => run(process.execPath, [BIN, ...args], env);

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'orderstream-cli-op-'));
  app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  for (let i = 0; i < 3; i++) {
    await app.as('staff').request('POST', '/v1/products', { body: { sku: `OPS-${i}`, name: `Ops ${i}`, price: { amount: 100 + i, currency: 'EUR' } } });
  }
});
afterAll(async () => {
  await app.destroy();
  rmSync(out, { recursive: true, force: true });
});

describe('npx orderstream', () => {
  it('is the package bin and runs the built code without building it again', async () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).bin).toEqual({ orderstream: 'bin/orderstream.js' });
    const help = await run('npx', ['--no-install', 'orderstream', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: orderstream') });
    // `npm test` built just before: nothing to compile.
    expect(help.stderr).not.toContain('building');
  });

  it('takes the service and token from ORDERSTREAM_URL and ORDERSTREAM_TOKEN', async () => {
    const verified = await cli(['verify'], { ORDERSTREAM_URL: app.baseUrl, ORDERSTREAM_TOKEN: await app.tokenFor('auditor') });
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining('OK: every chain is intact') });
    const missing = await cli(['verify'], { ORDERSTREAM_URL: app.baseUrl });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: --url needs a token: set ORDERSTREAM_TOKEN/);
  });

  it('refuses a data directory that holds no log, in one sentence, and creates nothing there', async () => {
    const empty = mkdtempSync(join(out, 'empty-'));
    for (const command of [['verify'], ['projections'], ['export', '--out', join(out, 'never')]]) {
      const refused = await cli([...command, '--data-dir', empty]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`error: ${empty} holds no event log (events.db): name the data directory of a service with --data-dir (or DATA_DIR), or work through the running service with --url and ORDERSTREAM_TOKEN.\n`);
    }
    expect(readdirSync(empty)).toEqual([]);
  });

  it('serves the public key as PEM with its key id; the CLI saves it and verify-export names the key that signed', async () => {
    const token = await app.tokenFor('auditor');
    const pem = await fetch(`${app.baseUrl}/v1/audit/export/public-key`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-pem-file' } });
    expect(pem.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    const pemText = await pem.text();
    expect(pemText).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const keyId = pem.headers.get('x-key-id')!;
    expect(keyId).toMatch(/^[0-9a-f]{64}$/);

    // Into folders that do not exist yet.
    const saved = await cli(['public-key', '--out', join(out, 'keys', 'service.pem')], { ORDERSTREAM_URL: app.baseUrl, ORDERSTREAM_TOKEN: token });
    expect(saved).toMatchObject({ code: 0, stdout: expect.stringContaining(`Key id:     ${keyId}`) });
    expect(readFileSync(join(out, 'keys', 'service.pem'), 'utf8')).toBe(pemText);
    const exported = await cli(['export', '--out', join(out, 'exports', 'nov', 'products'), '--stream-prefix', 'product-'], { ORDERSTREAM_URL: app.baseUrl, ORDERSTREAM_TOKEN: token });
    expect(exported).toMatchObject({ code: 0, stdout: expect.stringContaining(`signed by key ${keyId}`) });

    const ndjson = join(out, 'exports', 'nov', 'products.ndjson');
    const withPem = await cli(['verify-export', ndjson, '--public-key', join(out, 'keys', 'service.pem')]);
    expect(withPem).toMatchObject({ code: 0, stdout: expect.stringContaining(`Signed by key ${keyId} (the public key given)`) });
    // The JSON answer of the route, saved as it came, is accepted too.
    const json = join(out, 'keys', 'service.json');
    writeFileSync(json, JSON.stringify((await app.as('auditor').request('GET', '/v1/audit/export/public-key')).body));
    expect((await cli(['verify-export', ndjson, '--public-key', json])).code).toBe(0);

    expect((await cli(['keygen', '--out', join(out, 'other', 'pair')])).code).toBe(0);
    const otherKey = await cli(['verify-export', ndjson, '--public-key', join(out, 'other', 'pair.pub.pem')]);
    expect(otherKey.code).toBe(1);
    expect(otherKey.stdout).toMatch(new RegExp(`^Signed by key ${keyId}; the public key given is key [0-9a-f]{64}, another one`));
  });

  it('answers a wrong key file, a missing file and an unreachable service in one sentence, never a stack trace', async () => {
    const ndjson = join(out, 'exports', 'nov', 'products.ndjson');
    const garbage = join(out, 'garbage.pem');
    writeFileSync(garbage, 'not a key at all');
    const cases = [
      { args: ['verify-export', ndjson, '--public-key', garbage], says: `error: ${garbage} is not a public key: expected a PEM` },
      { args: ['verify-export', ndjson, '--public-key', join(out, 'other', 'pair.key.pem')], says: `error: ${join(out, 'other', 'pair.key.pem')} is a private key` },
      { args: ['verify-export', join(out, 'nowhere.ndjson'), '--public-key', garbage], says: `error: ${garbage} is not a public key` },
      { args: ['verify-export', ndjson, '--public-key', join(out, 'missing.pem')], says: `error: Cannot read ${join(out, 'missing.pem')}` },
      { args: ['verify', '--url', 'http://127.0.0.1:1', '--token', 'x'], says: 'error: Cannot reach http://127.0.0.1:1' },
      { args: ['keygen', '--out', join(out, 'other', 'pair')], says: `error: ${join(out, 'other', 'pair')}.key.pem exists already` },
    ];
    for (const { args, says } of cases) {
      const answer = await cli(args);
      expect(answer.code).toBe(2);
      expect({ args, stderr: answer.stderr.slice(0, says.length) }).toEqual({ args, stderr: says });
      expect(answer.stderr.trim().split('\n')).toHaveLength(1);
      expect(answer.stderr).not.toMatch(STACK_FRAME);
    }
  });

  it('rebuilds every projection at once on the files of a stopped service', async () => {
    await app.stop();
    const rebuilt = await cli(['rebuild', '--all', '--data-dir', app.dataDir]);
    expect(rebuilt).toMatchObject({ code: 0, stdout: expect.stringMatching(/Rebuilt \d+ projection\(s\)/) });
    expect(existsSync(join(app.dataDir, 'events.db'))).toBe(true);
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
  });
});
