// Restart with 100k events: the embedded read models are restored with their checkpoints
// (not rebuilt), so a restart costs opening the files and loading documents into memory.
// The rebuild from scratch is measured too: it is what a new projection version costs.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { register } from 'prom-client';
import { allProjections } from '../projections/index.js';
import type { NewEvent } from '../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import { EmbeddedReadStore } from '../src/readstore/embedded/embedded-read-store.js';
import { SubscriptionRunner } from '../src/subscriptions/subscription-runner.js';
import { BlueGreenProjections } from '../src/projection-engine/blue-green-projections.js';
import type { Figure } from './figure.js';

const PRODUCTS = 1_000;
const EVENTS_PER_PRODUCT = 100;
const quiet = { log() {}, warn() {}, error() {} };

function productEvents(productId: string, index: number): NewEvent[] {
  const metadata = {
    actor: { userId: 'bench', roles: ['staff'] }, commandId: randomUUID(), commandType: 'Bench',
    correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(),
  };
  const registered: NewEvent = {
    eventId: randomUUID(), type: 'ProductRegistered', metadata,
    data: { productId, sku: `SKU-${String(index).padStart(6, '0')}`, name: `Product ${index}`, price: { amount: 1999, currency: 'EUR' } },
  };
  const receipts = Array.from({ length: EVENTS_PER_PRODUCT - 1 }, (_, i): NewEvent => ({
    eventId: randomUUID(), type: 'StockReceived', metadata, data: { productId, quantity: 1 + (i % 7), reference: `PO-${i}` },
  }));
  return [registered, ...receipts];
}

async function runUntilCaughtUp(dir: string): Promise<{ ms: number; close(): Promise<void> }> {
  const started = performance.now();
  const eventStore = new SqliteEventStore(join(dir, 'events.db'));
  const readStore = EmbeddedReadStore.inDataDir(dir);
  const runner = new SubscriptionRunner({ eventStore, readStore, logger: quiet });
  BlueGreenProjections.addTo(runner, allProjections);
  runner.start();
  const head = (await eventStore.headPosition())!;
  const reached = await runner.waitForPosition(runner.subscriberNames, head, 600_000);
  if (!reached) throw new Error('projections did not catch up');
  const ms = performance.now() - started;
  return {
    ms,
    async close() {
      await runner.stop();
      await eventStore.close();
      await readStore.close();
    },
  };
}

const BENCH_ADMIN_ENV = { JWT_SECRET: 'orderstream-bench-secret-0123456789-0123456789', ADMIN_EMAIL: 'bench-admin@orderstream.test', ADMIN_PASSWORD: 'bench admin password 123' };

/** The whole service as a user restarts it: process start to listening with every projection caught up. */
async function serviceRestartMs(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [resolve('dist/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', ...BENCH_ADMIN_ENV },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const baseUrl = await new Promise<string>((found, failed) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) found(match[1]!);
      });
      child.once('exit', (code) => failed(new Error(`service exited with ${code}`)));
    });
    // /health shows the subscribers to admins only: sign in (one password check) while catch-up runs.
    const signedIn = (await (await fetch(`${baseUrl}/v1/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: BENCH_ADMIN_ENV.ADMIN_EMAIL, password: BENCH_ADMIN_ENV.ADMIN_PASSWORD }),
    })).json()) as { accessToken: string };
    const authorization = `Bearer ${signedIn.accessToken}`;
    for (;;) {
      const health = (await (await fetch(`${baseUrl}/health`, { headers: { authorization } })).json()) as { details: { subscriptions: { subscribers: { caughtUp: boolean }[] } } };
      if (health.details.subscriptions.subscribers.every((s) => s.caughtUp)) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function restartBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-restart-'));
  try {
    const store = new SqliteEventStore(join(dir, 'events.db'));
    for (let p = 0; p < PRODUCTS; p++) {
      await store.append(`product-${randomUUID()}`, productEvents(randomUUID(), p), 'no_stream');
    }
    await store.close();
    const events = PRODUCTS * EVENTS_PER_PRODUCT;
    register.clear();

    const rebuild = await runUntilCaughtUp(dir);
    await rebuild.close();
    register.clear();
    const restart = await runUntilCaughtUp(dir);
    await restart.close();

    // The first start also catches up the subscribers the bench did not run (sagas, workers);
    // the second is the restart a user sees.
    const firstStart = await serviceRestartMs(dir);
    const service = await serviceRestartMs(dir);

    const projections = allProjections.length;
    return [
      { name: `rebuild ${projections} projections from ${events.toLocaleString('en-US')} events`, value: rebuild.ms / 1000, unit: 's', note: `${Math.round((events * projections) / (rebuild.ms / 1000)).toLocaleString('en-US')} projected events/s` },
      { name: `reopen stores with ${events.toLocaleString('en-US')} events (restore + catch up)`, value: restart.ms, unit: 'ms', note: `${PRODUCTS * projections} documents restored with their checkpoints` },
      { name: `service restart with ${events.toLocaleString('en-US')} events (process start to caught up)`, value: service, unit: 'ms', note: 'node dist/src/main.js, polled on /health as an admin (one sign-in included)' },
      { name: `service first start on that log (sagas and workers catch up from the start)`, value: firstStart, unit: 'ms', note: 'HTTP is served meanwhile' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
