// Analysts' and auditors' long operations over 100k events: a blue/green rebuild of one
// projection while the old build serves, a signed export, and a full chain verification.
// Yardstick (FACTS.md): reading the whole log with JSON.parse runs at ~263k events/s.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { productDetailsProjection } from '../projections/product-details/product-details.projection.js';
import { buildSignedManifest, pinFilter } from '../src/audit/export/event-exporter.js';
import { verifyExport } from '../src/audit/export/export-format.js';
import { signingKeyFromPem, generateSigningKeyPem } from '../src/audit/export/signing-key.js';
import { verifyLog } from '../src/audit/verification/log-verifier.js';
import type { NewEvent } from '../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import { allUpcasters } from '../src/upcasters.js';
import { UpcastingEventStore } from '../src/eventstore/upcasting/upcasting-event-store.js';
import { EmbeddedReadStore } from '../src/readstore/embedded/embedded-read-store.js';
import { SubscriptionRunner } from '../src/subscriptions/subscription-runner.js';
import { BlueGreenProjections } from '../src/projection-engine/blue-green-projections.js';
import type { Figure } from './figure.js';

const PRODUCTS = 1_000;
const EVENTS_PER_PRODUCT = 100;
const quiet = { log() {}, warn() {}, error() {} };

function productEvents(productId: string, index: number): NewEvent[] {
  const metadata = () => ({
    actor: { userId: 'bench', roles: ['staff'] }, commandId: randomUUID(), commandType: 'Bench',
    correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(),
  });
  return [
    { eventId: randomUUID(), type: 'ProductRegistered', metadata: metadata(), data: { productId, sku: `SKU-${index}`, name: `Product ${index}`, price: { amount: 1999, currency: 'EUR' } } },
    ...Array.from({ length: EVENTS_PER_PRODUCT - 1 }, (_, i): NewEvent => ({
      eventId: randomUUID(), type: 'StockReceived', schemaVersion: i % 2 === 0 ? 1 : 2, metadata: metadata(),
      // Half in the old shape: the rebuild upcasts them on the way.
      data: i % 2 === 0 ? { productId, quantity: 1 + (i % 7), reference: `PO-${i}` } : { productId, quantity: 1 + (i % 7), deliveryReference: `PO-${i}` },
    })),
  ];
}

const rate = (events: number, ms: number) => events / (ms / 1000);

export async function auditBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-audit-'));
  try {
    let raw = new SqliteEventStore(join(dir, 'events.db'));
    for (let p = 0; p < PRODUCTS; p++) {
      const productId = randomUUID();
      await raw.append(`product-${productId}`, productEvents(productId, p), 'no_stream');
    }
    const events = PRODUCTS * EVENTS_PER_PRODUCT;
    const figures: Figure[] = [];

    // Yardstick in the same run: every row read in position order and its JSON parsed (the store
    // holds the file exclusively, so it is closed meanwhile).
    await raw.close();
    const db = new Database(join(dir, 'events.db'), { readonly: true });
    const readStarted = performance.now();
    let rows = 0;
    for (const row of db.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{ data: string; metadata: string }>) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      rows += 1;
    }
    const readMs = performance.now() - readStarted;
    db.close();
    raw = new SqliteEventStore(join(dir, 'events.db'));
    figures.push({ name: 'yardstick: raw read of the log + JSON.parse', value: rate(rows, readMs), unit: 'events/s', note: 'FACTS.md: ~263k/s on an idle machine' });

    // Blue/green rebuild: the serving build is caught up first, then a rebuild runs beside it.
    register.clear();
    const store = new UpcastingEventStore(raw, allUpcasters);
    const readStore = EmbeddedReadStore.inDataDir(dir);
    const runner = new SubscriptionRunner({ eventStore: store, readStore, logger: quiet });
    const projections = BlueGreenProjections.addTo(runner, [productDetailsProjection]);
    runner.start();
    if (!(await runner.waitForPosition([productDetailsProjection.name], (await raw.headPosition())!, 600_000))) throw new Error('projection did not catch up');
    const rebuildStarted = performance.now();
    await projections.rebuild(productDetailsProjection.name);
    for (;;) {
      const [status] = await projections.projectionStatus();
      if (status!.building === null) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const rebuildMs = performance.now() - rebuildStarted;
    await runner.stop();
    await readStore.close();
    figures.push({ name: `blue/green rebuild of product-details, ${events.toLocaleString('en-US')} events`, value: rate(events, rebuildMs), unit: 'events/s', note: `${(rebuildMs / 1000).toFixed(2)} s to switch-over, the old build serving meanwhile` });

    // Signed export of the whole log (lines written to nowhere: the cost is reading, canonical JSON, hashing, signing).
    const key = signingKeyFromPem(generateSigningKeyPem().privateKeyPem, 'config');
    const lines: string[] = [];
    const exportStarted = performance.now();
    const signed = await buildSignedManifest(raw, await pinFilter(raw, {}), key, new Date().toISOString(), (line) => void lines.push(line));
    const exportMs = performance.now() - exportStarted;
    figures.push({ name: `signed export (NDJSON + manifest + Ed25519), ${signed.manifest.count.toLocaleString('en-US')} events`, value: rate(signed.manifest.count, exportMs), unit: 'events/s', note: `${(exportMs / 1000).toFixed(2)} s` });

    const ndjson = Buffer.from(lines.map((line) => `${line}\n`).join(''));
    const offlineStarted = performance.now();
    const offline = verifyExport({ ndjson, manifestJson: JSON.stringify(signed.manifest), signature: signed.signature, publicKeyPem: key.publicKeyPem });
    if (!offline.ok) throw new Error(`export did not verify: ${offline.problems.join('; ')}`);
    figures.push({ name: 'offline verification of that export', value: rate(offline.count, performance.now() - offlineStarted), unit: 'events/s' });

    const verifyStarted = performance.now();
    const report = await verifyLog(raw);
    if (!report.ok) throw new Error('the log did not verify');
    figures.push({ name: `hash-chain verification of ${report.checkedStreams.toLocaleString('en-US')} streams`, value: rate(report.checkedEvents, performance.now() - verifyStarted), unit: 'events/s' });
    await raw.close();
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
