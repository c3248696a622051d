// Damaged files in DATA_DIR, on the built service: the three ways a file breaks (its header
// overwritten, garbage written in the middle, cut short), done to the real files of a stopped
// service. Derived files (readmodels.db, idempotency.db) are moved aside with a warning and
// rebuilt from the log, and the service answers exactly as before; the event log is the source
// of truth: the service refuses to start with a plain message and leaves the file as it was.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, closeSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newDataDir, startApp, type AppUnderTest, type HttpAnswer } from '../support/app-under-test.js';

type Damage = 'header overwritten' | 'garbage in the middle' | 'truncated';
const DAMAGES: Damage[] = ['header overwritten', 'garbage in the middle', 'truncated'];
const ENV = { LOG_LEVEL: 'warn' };

function damage(file: string, how: Damage): void {
  const size = statSync(file).size;
  if (how === 'truncated') return truncateSync(file, Math.floor(size / 2));
  const fd = openSync(file, 'r+');
  try {
    // The header is the first 100 bytes; "the middle" is a few pages around half the file.
    if (how === 'header overwritten') writeSync(fd, randomBytes(100), 0, 100, 0);
    else writeSync(fd, randomBytes(16_384), 0, 16_384, Math.floor(size / 2 / 4096) * 4096);
  } finally {
    closeSync(fd);
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const noStackTrace = /\n\s+at\s.+:\d+:\d+/;

/** What a client reads: every product by id, and the whole list. */
async function snapshot(app: AppUnderTest, ids: string[]): Promise<unknown> {
  const read = (path: string) => app.as('staff').request('GET', path).then((answer: HttpAnswer) => ({ status: answer.status, body: answer.body }));
  return { products: await Promise.all(ids.map((id) => read(`/v1/products/${id}`))), list: await read('/v1/products?limit=100') };
}

/** Waits (bounded) until the read models have reached `position`. */
async function caughtUp(app: AppUnderTest, id: string, position: string): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const answer = await app.as('staff').request('GET', `/v1/products/${id}`, { headers: { 'x-min-position': position } });
    if (answer.status === 200) return;
  }
  throw new Error(`the read models never reached position ${position}`);
}

let cleanDir: string;
let ids: string[];
let last: { id: string; position: string };
let before: unknown;

beforeAll(async () => {
  cleanDir = newDataDir();
  const app = await startApp(ENV, cleanDir);
  try {
    ids = [];
    for (let i = 0; i < 40; i += 1) {
      const sku = `DAMAGE-${i}`;
      // As the first admin: the same user in every run, so a key means the same thing after the restart.
      const registered = await app.as('admin').request('POST', '/v1/products', {
        headers: { 'idempotency-key': `register-${sku}` },
        body: { sku, name: `Product ${sku} ${'x'.repeat(150)}`, price: { amount: 100 + i, currency: 'EUR' } },
      });
      expect(registered.status).toBe(201);
      const received = await app.as('staff').request('POST', `/v1/products/${registered.body.id}/stock-receipts`, { body: { quantity: i + 1, reference: `PO-${i}` } });
      expect(received.status).toBe(200);
      ids.push(registered.body.id);
      last = { id: registered.body.id, position: received.body.position };
    }
    await caughtUp(app, last.id, last.position);
    before = await snapshot(app, ids);
  } finally {
    await app.stop();
  }
}, 120_000);

afterAll(() => {
  rmSync(cleanDir, { recursive: true, force: true });
});

describe('a damaged derived file is moved aside, the read models are rebuilt from the log, and the service answers as before', () => {
  for (const how of DAMAGES) {
    it(`readmodels.db and idempotency.db ${how}`, async () => {
      const dir = newDataDir();
      cpSync(cleanDir, dir, { recursive: true });
      damage(join(dir, 'readmodels.db'), how);
      damage(join(dir, 'idempotency.db'), how);

      const app = await startApp(ENV, dir);
      try {
        await caughtUp(app, last.id, last.position);
        expect(await snapshot(app, ids)).toEqual(before);
        const files = readdirSync(dir);
        expect(files).toContainEqual(expect.stringMatching(/^readmodels\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/));
        expect(app.output()).toMatch(/readmodels\.db is damaged \(.+\); moved aside to .+readmodels\.db\.corrupt-/);
        expect(app.output()).not.toMatch(noStackTrace);
        // Keys used before are known again through the log: the same request gets the same answer.
        const again = await app.as('admin').request('POST', '/v1/products', {
          headers: { 'idempotency-key': 'register-DAMAGE-0' },
          body: { sku: 'DAMAGE-0', name: `Product DAMAGE-0 ${'x'.repeat(150)}`, price: { amount: 100, currency: 'EUR' } },
        });
        expect(again.status).toBe(201);
        expect(again.body).toEqual({ id: ids[0], revision: 0, position: expect.any(String) });
        expect(await snapshot(app, ids)).toEqual(before);
      } finally {
        await app.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});

describe('a damaged credential store stops the start with a plain message and is left as it is', () => {
  // Password hashes are not in the log: credentials.db is a source of truth, never rebuilt.
  it('credentials.db with its header overwritten', async () => {
    const dir = newDataDir();
    cpSync(cleanDir, dir, { recursive: true });
    const credentials = join(dir, 'credentials.db');
    damage(credentials, DAMAGES[0]);
    const damaged = sha256(credentials);

    try {
      const started = startApp(ENV, dir);
      const message = await started.then(() => '', (error: Error) => error.message);
      expect(message).toMatch(/exited with 1 before listening/);
      expect(message).toMatch(/orderstream: the credential store .+credentials\.db is damaged \(.+\)\. It is the source of truth/);
      expect(message).not.toMatch(noStackTrace);
      expect(sha256(credentials)).toBe(damaged);
      expect(readdirSync(dir).filter((name) => name.includes('corrupt'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a damaged event log stops the start with a plain message and is left as it is', () => {
  for (const how of DAMAGES) {
    it(`events.db ${how}`, async () => {
      const dir = newDataDir();
      cpSync(cleanDir, dir, { recursive: true });
      const log = join(dir, 'events.db');
      damage(log, how);
      const damaged = sha256(log);

      try {
        const started = startApp(ENV, dir);
        await expect(started).rejects.toThrow(/exited with 1 before listening/);
        const message = await started.then(() => '', (error: Error) => error.message);
        expect(message).toMatch(/orderstream: the event log .+events\.db is damaged \(.+\)\. It is the source of truth/);
        expect(message).not.toMatch(noStackTrace);
        expect(sha256(log)).toBe(damaged);
        expect(readdirSync(dir).filter((name) => name.includes('corrupt'))).toEqual([]);
        expect(existsSync(log)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
