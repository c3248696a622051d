// `npm run bench -- --scale`: the embedded default on a 1M-event log (10,000 product streams,
// one of them 100,000 events long). Measures the first start (every projection built from the
// log), a restart (read models restored with their checkpoints), the service's resident memory
// while serving, and a command on the 100k-event stream right after a restart beside one on a
// short stream. Before the restart one command runs on the long stream with no snapshot yet (the
// whole stream folded; it writes the snapshot), as a product that sells keeps one. Takes several
// minutes; not part of the default run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import { BENCH_ADMIN, startService, type BenchService } from './service-client.js';

export interface ScaleFigures {
  events: number;
  firstStartMs: number;
  restartMs: number;
  rssMb: number;
  /** The first command ever on the 100k-event stream: no snapshot yet, every event folded. */
  unsnapshottedCommandMs: number;
  longStreamCommandMs: number;
  shortStreamCommandMs: number;
}

const LONG_STREAM_EVENTS = 100_000;
const PRODUCTS = 9_000;
const EVENTS_PER_PRODUCT = 100;
const PER_APPEND = 100;

/** Events of one correlation: about what one order's flow records, so the correlation index is sized as in use. */
const EVENTS_PER_CORRELATION = 10;

function events(productId: string, index: number, from: number, count: number): NewEvent[] {
  let metadata = newMetadata();
  return Array.from({ length: count }, (_, k): NewEvent => {
    if (k > 0 && k % EVENTS_PER_CORRELATION === 0) metadata = newMetadata();
    return from + k === 0
      ? { eventId: randomUUID(), type: 'ProductRegistered', metadata, data: { productId, sku: `SCALE-${index}`, name: `Product ${index}`, price: { amount: 1999, currency: 'EUR' } } }
      : { eventId: randomUUID(), type: 'StockReceived', schemaVersion: 2, metadata, data: { productId, quantity: 1, deliveryReference: `PO-${from + k}` } };
  });
}

function newMetadata(): NewEvent['metadata'] {
  return {
    actor: { userId: 'bench', roles: ['staff'] }, commandId: randomUUID(), commandType: 'Bench',
    correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(),
  };
}

export async function seed(dir: string): Promise<{ events: number; longProduct: string; shortProduct: string }> {
  const store = SqliteEventStore.inDataDir(dir);
  try {
    const longProduct = randomUUID();
    for (let from = 0; from < LONG_STREAM_EVENTS; from += PER_APPEND) {
      await store.append(`product-${longProduct}`, events(longProduct, 0, from, PER_APPEND), from === 0 ? 'no_stream' : from - 1);
    }
    let shortProduct = '';
    for (let p = 1; p <= PRODUCTS; p++) {
      shortProduct = randomUUID();
      await store.append(`product-${shortProduct}`, events(shortProduct, p, 0, EVENTS_PER_PRODUCT), 'no_stream');
    }
    return { events: LONG_STREAM_EVENTS + PRODUCTS * EVENTS_PER_PRODUCT, longProduct, shortProduct };
  } finally {
    await store.close();
  }
}

/** Starts the service on `dir` and waits until every subscriber has caught up; the time from spawn. */
export async function startAndCatchUp(dir: string): Promise<{ service: BenchService; ms: number; admin: string }> {
  const started = performance.now();
  const service = await startService({ dataDir: dir });
  const admin = await service.login(BENCH_ADMIN.email, BENCH_ADMIN.password);
  for (;;) {
    const health = await service.call('GET', '/health', admin);
    const subscribers = (health.body?.details?.subscriptions?.subscribers ?? []) as { caughtUp: boolean }[];
    if (subscribers.length > 0 && subscribers.every((s) => s.caughtUp)) return { service, ms: performance.now() - started, admin };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function timedReceipt(service: BenchService, token: string, productId: string): Promise<number> {
  const started = performance.now();
  const answer = await service.call('POST', `/v1/products/${productId}/stock-receipts`, token, { quantity: 1, reference: 'PO-SCALE' });
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`stock receipt answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return performance.now() - started;
}

export async function scaleBench(): Promise<ScaleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-scale-'));
  try {
    const { events: count, longProduct, shortProduct } = await seed(dir);
    const first = await startAndCatchUp(dir);
    let unsnapshottedCommandMs: number;
    try {
      unsnapshottedCommandMs = await timedReceipt(first.service, first.admin, longProduct);
    } finally {
      await first.service.stop();
    }
    const again = await startAndCatchUp(dir);
    try {
      const rssMb = again.service.rssMb();
      // The admin may receive stock (inventory permissions): no other account is needed.
      const longStreamCommandMs = await timedReceipt(again.service, again.admin, longProduct);
      const shortStreamCommandMs = await timedReceipt(again.service, again.admin, shortProduct);
      return { events: count, firstStartMs: first.ms, restartMs: again.ms, rssMb: Math.max(rssMb, again.service.rssMb()), unsnapshottedCommandMs, longStreamCommandMs, shortStreamCommandMs };
    } finally {
      await again.service.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
