// A blue/green rebuild of product-details over 100k events while the old build serves, beside
// its yardstick in the same run: every row of the same log read in position order and its data
// and metadata JSON-parsed, raw, through better-sqlite3.
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { productDetailsProjection } from '../projections/product-details/product-details.projection.js';
import type { NewEvent } from '../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import { allUpcasters } from '../src/upcasters.js';
import { UpcastingEventStore } from '../src/eventstore/upcasting/upcasting-event-store.js';
import { EmbeddedReadStore } from '../src/readstore/embedded/embedded-read-store.js';
import { SubscriptionRunner } from '../src/subscriptions/subscription-runner.js';
import { BlueGreenProjections } from '../src/projection-engine/blue-green-projections.js';

const PRODUCTS = 1_000;
const EVENTS_PER_PRODUCT = 100;
export const PRODUCT_LOG_EVENTS = PRODUCTS * EVENTS_PER_PRODUCT;
const quiet = { log() {}, warn() {}, error() {} };

function productEvents(productId: string, index: number): NewEvent[] {
  const metadata = () => ({
    actor: { userId: 'bench', roles: ['staff'] }, commandId: randomUUID(), commandType: 'Bench',
    correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(),
  });
  return [
    { eventId: randomUUID(), type: 'ProductRegistered', metadata: metadata(), data: { productId, sku: `SKU-${String(index).padStart(6, '0')}`, name: `Product ${index}`, price: { amount: 1999, currency: 'EUR' } } },
    ...Array.from({ length: EVENTS_PER_PRODUCT - 1 }, (_, i): NewEvent => ({
      eventId: randomUUID(), type: 'StockReceived', schemaVersion: i % 2 === 0 ? 1 : 2, metadata: metadata(),
      // Half in the old shape: the rebuild upcasts them on the way.
      data: i % 2 === 0 ? { productId, quantity: 1 + (i % 7), reference: `PO-${i}` } : { productId, quantity: 1 + (i % 7), deliveryReference: `PO-${i}` },
    })),
  ];
}

/** Writes 1,000 product streams of 100 events each into `<dir>/events.db`. */
export async function seedProductLog(dir: string): Promise<void> {
  const store = new SqliteEventStore(join(dir, 'events.db'));
  try {
    for (let p = 0; p < PRODUCTS; p++) {
      const productId = randomUUID();
      await store.append(`product-${productId}`, productEvents(productId, p), 'no_stream');
    }
  } finally {
    await store.close();
  }
}

const rate = (events: number, ms: number) => events / (ms / 1000);

/** The yardstick: every row read in position order, its data and metadata parsed (the store is closed meanwhile). */
export function rawReadRate(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const started = performance.now();
    let rows = 0;
    for (const row of db.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{ data: string; metadata: string }>) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      rows += 1;
    }
    return rate(rows, performance.now() - started);
  } finally {
    db.close();
  }
}

export interface RebuildFigures {
  rebuild: number;
  rawRead: number;
  rebuildSeconds: number;
}

export async function rebuildBench(): Promise<RebuildFigures> {
  // The service's default level (LOG_LEVEL=info): without an app, Nest's logger would write a debug
  // line per batch to the terminal, which the service does not do and the figure should not pay.
  Logger.overrideLogger(['log', 'warn', 'error', 'fatal']);
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-rebuild-'));
  try {
    await seedProductLog(dir);
    const rawBefore = rawReadRate(join(dir, 'events.db'));
    register.clear();
    const raw = new SqliteEventStore(join(dir, 'events.db'));
    const store = new UpcastingEventStore(raw, allUpcasters);
    const readStore = EmbeddedReadStore.inDataDir(dir);
    const runner = new SubscriptionRunner({ eventStore: store, readStore, logger: quiet });
    const projections = BlueGreenProjections.addTo(runner, [productDetailsProjection]);
    let rebuildMs: number;
    try {
      runner.start();
      if (!(await runner.waitForPosition([productDetailsProjection.name], (await raw.headPosition())!, 600_000))) throw new Error('projection did not catch up');
      const started = performance.now();
      await projections.rebuild(productDetailsProjection.name);
      for (;;) {
        const [status] = await projections.projectionStatus();
        if (status!.building === null) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      rebuildMs = performance.now() - started;
    } finally {
      await runner.stop();
      await readStore.close();
      await raw.close();
    }
    // The yardstick before and after the rebuild, averaged: on a shared machine one read alone
    // may land in a quieter or a busier moment than the rebuild did.
    const rawRead = (rawBefore + rawReadRate(join(dir, 'events.db'))) / 2;
    return { rebuild: rate(PRODUCT_LOG_EVENTS, rebuildMs), rawRead, rebuildSeconds: rebuildMs / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
