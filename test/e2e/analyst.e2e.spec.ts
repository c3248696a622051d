// Analysts over real HTTP and the CLI against the built service: projection status, blue/green
// rebuilds while commands keep arriving, replays into a scratch projection, and who may do each.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppUnderTest } from '../support/app-under-test.js';
import { cli } from '../support/cli-under-test.js';

jest.setTimeout(120_000);

let app: AppUnderTest;
let out: string;
const onHand = new Map<string, number>();

async function receive(productId: string, quantity: number): Promise<string> {
  const answer = await app.as('staff').request('POST', `/v1/products/${productId}/stock-receipts`, { body: { quantity, reference: `PO-${quantity}` } });
  expect(answer.status).toBe(200);
  onHand.set(productId, (onHand.get(productId) ?? 0) + quantity);
  return answer.body.position;
}

async function projection(name: string) {
  const answer = await app.as('analyst').request('GET', '/v1/analytics/projections');
  expect(answer.status).toBe(200);
  return answer.body.items.find((item: { name: string }) => item.name === name);
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'orderstream-analyst-'));
  app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' });
  for (let i = 0; i < 5; i++) {
    const product = await app.as('staff').request('POST', '/v1/products', { body: { sku: `ANA-${process.pid}-${i}`, name: `Analysed ${i}`, price: { amount: 500, currency: 'EUR' } } });
    onHand.set(product.body.id, 0);
    for (let j = 1; j <= 4; j++) await receive(product.body.id, j);
  }
});
afterAll(async () => {
  await app.destroy();
  rmSync(out, { recursive: true, force: true });
});

describe('projections', () => {
  it('shows each projection with its serving build, checkpoint, lag and parked events', async () => {
    const details = await projection('product-details');
    expect(details).toMatchObject({
      declaredVersion: 1,
      serving: { version: 1, build: 0, collection: 'product_details_v1', checkpoint: expect.any(String), lag: expect.any(Number), parked: 0, running: true },
      building: null,
    });
  });

  it('rebuilds blue/green while commands keep arriving and ends with every product right', async () => {
    const ids = [...onHand.keys()];
    let writing = true;
    let last = '0';
    let written = 0;
    const writer = (async () => {
      for (; writing; written++) last = await receive(ids[written % ids.length]!, 1);
    })();
    const started = await app.as('analyst').request('POST', '/v1/analytics/projections/product-details/rebuild');
    expect(started.status).toBe(202);
    expect(started.body.building).toMatchObject({ version: 1, build: 1, collection: 'product_details_v1_b1' });
    // The old build answers while the new one fills.
    expect((await app.as('staff').request('GET', `/v1/products/${ids[0]}`)).status).toBe(200);
    for (let status = await projection('product-details'); status.building !== null; status = await projection('product-details')) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // Commands went on during the rebuild and go on after the switch too.
    const atSwitch = written;
    while (written < atSwitch + 20) await new Promise((r) => setTimeout(r, 20));
    writing = false;
    await writer;
    expect((await projection('product-details')).serving).toMatchObject({ build: 1, collection: 'product_details_v1_b1' });
    for (const id of ids) {
      const product = await app.as('staff').request('GET', `/v1/products/${id}`, { headers: { 'x-min-position': last } });
      expect(product.status).toBe(200);
      expect(product.body).toMatchObject({ id, onHand: onHand.get(id), available: onHand.get(id) });
    }
  });

  it('rebuilds from the CLI through the service, and the new build still serves after a restart', async () => {
    const rebuilt = await cli(['rebuild', 'product-list', '--url', app.baseUrl, '--token', await app.tokenFor('analyst')]);
    expect(rebuilt).toMatchObject({ code: 0, stdout: expect.stringContaining('product-list: v1 #1 serves from product_list_v1_b1') });
    await app.stop();
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
    const status = await cli(['projections', '--url', app.baseUrl, '--token', await app.tokenFor('admin'), '--json']);
    const items = JSON.parse(status.stdout) as Array<{ name: string; serving: { build: number } }>;
    expect(items.find((item) => item.name === 'product-list')!.serving.build).toBe(1);
    const list = await app.as('customer').request('GET', '/v1/products?limit=100');
    expect(list.body.items.filter((item: { id: string }) => onHand.has(item.id))).toHaveLength(onHand.size);
  });

  it('replays the log into a scratch projection, over HTTP and from the CLI', async () => {
    const replay = await app.as('analyst').request('POST', '/v1/analytics/replays', { body: { projection: 'daily-stock-movements' } });
    expect(replay.status).toBe(200);
    const received = replay.body.documents.reduce((sum: number, doc: { received: number }) => sum + doc.received, 0);
    expect(received).toBe([...onHand.values()].reduce((a, b) => a + b, 0));
    expect(replay.body).toMatchObject({ projection: 'daily-stock-movements', events: expect.any(Number), truncated: false });

    const file = join(out, 'movements.json');
    const saved = await cli(['replay', 'daily-stock-movements', '--url', app.baseUrl, '--token', await app.tokenFor('analyst'), '--out', file]);
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).documents).toEqual(replay.body.documents);
  });

  it('replays and rebuilds on the files of a stopped service', async () => {
    await app.stop();
    const replay = await cli(['replay', 'daily-stock-movements', '--data-dir', app.dataDir, '--from-position', '1']);
    expect(replay.code).toBe(0);
    const result = JSON.parse(replay.stdout) as { events: number; documents: Array<{ received: number }> };
    expect(result.documents.reduce((sum, doc) => sum + doc.received, 0)).toBe([...onHand.values()].reduce((a, b) => a + b, 0));
    const rebuilt = await cli(['rebuild', '--all', '--data-dir', app.dataDir]);
    expect(rebuilt).toMatchObject({ code: 0, stdout: expect.stringContaining('product-details: v1 #2 serves from product_details_v1_b2') });
    app = await startApp({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0' }, app.dataDir);
    const [id, quantity] = [...onHand.entries()][0]!;
    expect((await app.as('staff').request('GET', `/v1/products/${id}`)).body).toMatchObject({ onHand: quantity });
  });
});

describe('who may do what', () => {
  it.each([
    ['the projections status', 'GET', '/v1/analytics/projections', undefined],
    ['a rebuild', 'POST', '/v1/analytics/projections/product-list/rebuild', undefined],
    ['a replay', 'POST', '/v1/analytics/replays', { projection: 'daily-stock-movements' }],
  ])('%s is for analysts and admins only', async (_, method, path, body) => {
    expect((await app.request(method, path, { body })).status).toBe(401);
    for (const role of ['customer', 'staff', 'auditor'] as const) expect((await app.as(role).request(method, path, { body })).status).toBe(403);
    for (const role of ['analyst', 'admin'] as const) expect((await app.as(role).request(method, path, { body })).status).toBeLessThan(300);
  });

  it('answers 404 for a projection that does not exist', async () => {
    const answer = await app.as('analyst').request('POST', '/v1/analytics/projections/nothing/rebuild');
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 404, code: 'projection_not_found' });
  });
});
