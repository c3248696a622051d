// Snapshots across crashes, on the built service killed with SIGKILL (no shutdown hooks) while
// concurrent clients receive stock on one product, so its stream grows past several snapshot
// points (every 200 events) and a kill can fall between an append and its snapshot's write.
// After the last kill, with the log as the only truth:
//  - a snapshot was written (the kills hit a service that was snapshotting);
//  - the stream loaded through the snapshot equals the whole stream folded;
//  - every acknowledged receipt is in the log at the revision and position it was answered with;
//  - requests in flight at a kill, sent again with their key, are answered, and no command is
//    recorded twice;
//  - the service started again decides the next command on the state the log gives.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { StreamLoader } from '../../src/command-handling/stream-loader.js';
import { eventOf } from '../../src/command-handling/load-state.js';
import { fold } from '../../src/decider/decider.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { inventoryDecider, productStreamId, type ProductState } from '../../src/inventory/inventory.decider.js';
import { snapshotVersionOf } from '../../src/snapshots/snapshot-version.js';
import { SqliteSnapshotStore } from '../../src/snapshots/sqlite/sqlite-snapshot-store.js';
import { StreamSnapshots } from '../../src/snapshots/stream-snapshots.js';
import type { StoredSnapshot } from '../../src/snapshots/snapshot-store.port.js';
import { TEST_ADMIN, newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';

const CLIENTS = 6;
const KILLS = 3;
/** More than one snapshot interval per round: each round crosses at least one snapshot point. */
const ACKS_BEFORE_KILL = 230;
const MAX_KILL_DELAY_MS = 400;
/** Bounds each round; only reached when something is broken. */
const ROUND_PATIENCE_MS = 120_000;

interface Receipt {
  key: string;
  quantity: number;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

const dataDir = newDataDir();
let app: AppUnderTest | undefined;
let productId = '';
/** One staff account for every run: an idempotency key is scoped to its user, so a retry must come from the same one. */
let staffToken = '';
const acked: { receipt: Receipt; revision: number; position: bigint }[] = [];
const inFlight: Receipt[] = [];
const retriedAnswers: number[] = [];
let log: RecordedEvent[] = [];
let snapshot: StoredSnapshot | undefined;
let restoredState: ProductState | undefined;
let restoredFrom = -1;
let nextAnswer: { status: number; body: any } | undefined;
let productAfter: any;

async function round(service: AppUnderTest, number: number): Promise<void> {
  let seq = 0;
  let killing = false;
  let ackedThisRound = 0;
  const started = Date.now();
  const client = async (id: number) => {
    while (!killing && Date.now() - started < ROUND_PATIENCE_MS) {
      const receipt = { key: `snap-${number}-${id}-${++seq}`, quantity: 1 + (seq % 5) };
      try {
        // 409: lost the race on the hot stream five times, nothing recorded; sent again with the same key.
        for (let attempt = 1; ; attempt++) {
          const answer = await service.request('POST', `/v1/products/${productId}/stock-receipts`, {
            token: staffToken, headers: { 'idempotency-key': receipt.key }, body: { quantity: receipt.quantity, reference: receipt.key },
          });
          if (answer.status === 409 && attempt < 20) continue;
          if (answer.status !== 200 && answer.status !== 201) throw new Error(`receipt answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          acked.push({ receipt, revision: answer.body.revision, position: BigInt(answer.body.position) });
          ackedThisRound++;
          break;
        }
      } catch (error) {
        if (!killing) throw error;
        inFlight.push(receipt); // no answer: it may or may not be recorded
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, id) => client(id));
  while (ackedThisRound < ACKS_BEFORE_KILL && Date.now() - started < ROUND_PATIENCE_MS) await sleep(20);
  await sleep(Math.random() * MAX_KILL_DELAY_MS);
  killing = true;
  await service.kill();
  await Promise.all(clients);
}

beforeAll(async () => {
  app = await startApp({}, dataDir);
  // Under load the first admin may be registered just after the service listens.
  for (let tries = 0; tries < 100 && (await app.request('POST', '/v1/auth/token', { body: TEST_ADMIN })).status !== 200; tries++) await sleep(100);
  staffToken = (await app.newUser('staff')).token;
  const product = await app.as('staff').request('POST', '/v1/products', { body: { sku: 'SNAP-CRASH', name: 'Snapshot crash', price: { amount: 500, currency: 'EUR' } } });
  expect(product.status).toBe(201);
  productId = product.body.id;
  for (let kill = 1; kill <= KILLS; kill++) {
    await round(app, kill);
    app = await startApp({}, dataDir);
  }
  // Sent again after the last restart: each in-flight receipt, with its key.
  for (const receipt of inFlight) {
    const again = await app.request('POST', `/v1/products/${productId}/stock-receipts`, {
      token: staffToken, headers: { 'idempotency-key': receipt.key }, body: { quantity: receipt.quantity, reference: receipt.key },
    });
    retriedAnswers.push(again.status === 409 ? (await app.request('POST', `/v1/products/${productId}/stock-receipts`, {
      token: staffToken, headers: { 'idempotency-key': receipt.key }, body: { quantity: receipt.quantity, reference: receipt.key },
    })).status : again.status);
  }
  await app.kill();

  const streamId = productStreamId(productId);
  const store = new SqliteEventStore(join(dataDir, 'events.db'));
  const snapshots = new SqliteSnapshotStore(join(dataDir, 'snapshots.db'));
  try {
    log = await store.readStream(streamId);
    snapshot = await snapshots.load(streamId);
    const restored = await new StreamLoader(store, new StreamSnapshots(snapshots, () => undefined)).load(inventoryDecider, streamId);
    restoredState = restored.state;
    restoredFrom = restored.snapshotRevision;
  } finally {
    await store.close();
    await snapshots.close();
  }

  app = await startApp({}, dataDir);
  nextAnswer = await app.as('staff').request('POST', `/v1/products/${productId}/stock-receipts`, { body: { quantity: 1, reference: 'after-the-crashes' } });
  productAfter = (await app.as('staff').request('GET', `/v1/products/${productId}`, { headers: { 'x-min-position': String(nextAnswer.body.position) } })).body;
}, 600_000);

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('snapshots when the service is killed', () => {
  it('were being written when the kills came', () => {
    expect(acked.length).toBeGreaterThanOrEqual(KILLS * ACKS_BEFORE_KILL);
    expect(snapshot).toMatchObject({ version: snapshotVersionOf(inventoryDecider) });
    expect(snapshot!.revision).toBeGreaterThanOrEqual(200);
  });

  it('restore the state the whole log folds to', () => {
    expect(restoredFrom).toBeGreaterThanOrEqual(200);
    expect(restoredState).toEqual(fold(inventoryDecider, log.map((event) => eventOf(inventoryDecider, event))));
  });

  it('lose no acknowledged command and record none twice', () => {
    for (const { receipt, revision, position } of acked) {
      const event = log[revision];
      expect({ key: receipt.key, position: event?.position, reference: (event?.data as { deliveryReference?: string })?.deliveryReference })
        .toEqual({ key: receipt.key, position, reference: receipt.key });
    }
    expect(retriedAnswers.every((status) => status === 200 || status === 201)).toBe(true);
    const commandIds = log.map((event) => event.metadata.commandId);
    expect(new Set(commandIds).size).toBe(commandIds.length);
    const references = log.slice(1).map((event) => (event.data as { deliveryReference: string }).deliveryReference);
    expect(new Set(references).size).toBe(references.length);
    expect(new Set(references)).toEqual(new Set([...acked.map(({ receipt }) => receipt.key), ...inFlight.map((receipt) => receipt.key)]));
  });

  it('let the service started again decide on the state the log gives', () => {
    expect(nextAnswer?.status).toBe(200);
    expect(nextAnswer!.body.revision).toBe(log.length);
    const onHand = (restoredState as { onHand: number }).onHand + 1;
    expect(productAfter).toMatchObject({ id: productId, onHand, revision: log.length });
  });
});
