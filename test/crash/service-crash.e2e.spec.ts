// Crash safety of the built service, as a real process killed with SIGKILL (no shutdown hooks,
// nothing flushed) while concurrent clients append and the projections follow.
//
// Several rounds on one DATA_DIR: start the service, put it under load from many concurrent
// HTTP clients (registrations, stock receipts, adjustments and price changes, each with an
// Idempotency-Key), kill -9 it at a random moment with requests in flight, start it again.
// After the last restart:
//  - the log is intact: positions strictly increasing, every stream's revisions contiguous
//    and its hash chain verified;
//  - every acknowledged command (a 2xx {id, revision, position}) is in the log, at that
//    revision and that position, with the event the command asked for; no command is recorded
//    twice;
//  - requests that were in flight at a kill, retried with the same key, answer and keep
//    answering the same; acknowledged ones retried answer what they answered before;
//  - once the projections have caught up, the read models (over HTTP, and in readmodels.db)
//    equal a rebuild from scratch of the whole log, which in turn equals each product's
//    events folded by the inventory domain.
// Requests in flight at a kill are unacknowledged: their events may or may not be there.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProjections } from '../../projections/index.js';
import { productDetailsProjection } from '../../projections/product-details/product-details.projection.js';
import { productListProjection } from '../../projections/product-list/product-list.projection.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { eventOf } from '../../src/command-handling/load-state.js';
import { inventoryDecider, productStreamId, type ProductState } from '../../src/inventory/inventory.decider.js';
import { EmbeddedReadStore } from '../../src/readstore/embedded/embedded-read-store.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';
import { projectionCheckpointName } from '../../src/projection-engine/projection.js';
import { newDataDir, startApp, type AppUnderTest, type HttpAnswer } from '../support/app-under-test.js';
import { documentsOf, logProblems, openedLog, readWholeLog, rebuildReadModels, streamsOf, type DocumentsByCollection } from '../support/log-verification.js';

const CLIENTS = 24;
const KILLS = 3;
/** Each round waits for this many acknowledgements before arming the kill, so every kill hits a loaded service. */
const ACKS_BEFORE_KILL = 40;
/** Then kills after a random delay up to this. */
const MAX_KILL_DELAY_MS = 1200;
const MAX_PRODUCTS = 150;
const ACKED_RETRIES = 60;
/** Bounds the waits; only reached when something is broken. */
const PATIENCE_MS = 15_000;

const DETAILS = productDetailsProjection.collection.name;
const LIST = productListProjection.collection.name;

type Kind = 'register' | 'receive' | 'adjust' | 'price';

interface Op {
  kind: Kind;
  method: 'POST' | 'PUT';
  path: string;
  body: Record<string, unknown>;
  key: string;
  /** For registrations: the SKU (the id is only known from the answer). */
  sku?: string;
  productId?: string;
}

interface Answer {
  id: string;
  revision: number;
  position: string;
}

interface Outcome {
  op: Op;
  round: number;
  status: number;
  body: any;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const random = (n: number) => Math.floor(Math.random() * n);
const isAck = (status: number) => status >= 200 && status < 300;

let dataDir: string;
let app: AppUnderTest | undefined;

/** Everything the clients saw, and what the log and read models held afterwards. */
const seen = {
  acked: [] as Outcome[],
  refused: [] as Outcome[],
  /** In flight at a kill: a network error, no answer. */
  lost: [] as { op: Op; round: number; error: string }[],
  /** Network errors while the service was not being killed: must stay empty. */
  unexpected: [] as string[],
  killSignals: [] as (string | null)[],
  ackedPerRound: [] as number[],
  /** Lost requests retried twice after the last restart. */
  lostRetries: [] as { op: Op; first: HttpAnswer; second: HttpAnswer }[],
  /** Acknowledged requests retried after the last restart. */
  ackedRetries: [] as { outcome: Outcome; again: HttpAnswer }[],
  headOverHttp: undefined as string | null | undefined,
  maxAckedPosition: 0n,
  subscriptionsCaughtUp: false,
  productsOverHttp: new Map<string, unknown>(),
  listOverHttp: [] as unknown[],
  log: [] as RecordedEvent[],
  logProblems: [] as string[],
  logHead: undefined as bigint | undefined,
  storedReadModels: {} as DocumentsByCollection,
  storedCheckpoints: new Map<string, bigint | undefined>(),
  rebuilt: {} as DocumentsByCollection,
  /** What a copy of DATA_DIR held right after each kill. */
  afterKills: [] as CrashState[],
};

interface CrashState {
  round: number;
  events: number;
  head: bigint | undefined;
  /** Per projection: its checkpoint on disk and how far it was behind the log. */
  projections: { name: string; checkpoint: bigint | undefined; lag: bigint }[];
  problems: string[];
}

// ---- the load ----

class Workload {
  private seq = 0;
  /** Products whose registration was acknowledged: the other commands aim at these. */
  readonly products: string[] = [];
  private registrations = 0;
  /** Price amounts are never reused, so a price change always records an event. */
  private nextAmount = 1000;

  next(client: number, round: number): Op {
    const key = `crash-${round}-${client}-${++this.seq}`;
    const wantMore = this.registrations < MAX_PRODUCTS && (this.products.length < 12 || Math.random() < 0.1);
    if (wantMore) {
      this.registrations++;
      const sku = `CRASH-${client}-${this.seq}`;
      return {
        kind: 'register', method: 'POST', path: '/v1/products', key, sku,
        body: { sku, name: `Crash product ${this.seq}`, price: { amount: this.nextAmount++, currency: 'EUR' } },
      };
    }
    const productId = this.products[random(this.products.length)]!;
    const roll = Math.random();
    if (roll < 0.4) {
      return {
        kind: 'receive', method: 'POST', path: `/v1/products/${productId}/stock-receipts`, key, productId,
        body: { quantity: 1 + random(20), reference: `PO-${key}` },
      };
    }
    if (roll < 0.7) {
      // Removals are often larger than what is on hand: the service must refuse those.
      const quantityChange = Math.random() < 0.6 ? -(1 + random(12)) : 1 + random(8);
      return {
        kind: 'adjust', method: 'POST', path: `/v1/products/${productId}/stock-adjustments`, key, productId,
        body: { quantityChange, reason: `count ${key}` },
      };
    }
    return {
      kind: 'price', method: 'PUT', path: `/v1/products/${productId}/price`, key, productId,
      body: { amount: this.nextAmount++, currency: 'EUR' },
    };
  }
}

const send = (target: AppUnderTest, op: Op) => target.as('admin').request(op.method, op.path, { body: op.body, headers: { 'idempotency-key': op.key } });

async function loadAndKill(target: AppUnderTest, workload: Workload, round: number): Promise<void> {
  let killing = false;
  let ackedThisRound = 0;
  const client = async (c: number) => {
    while (!killing) {
      const op = workload.next(c, round);
      let answer: HttpAnswer;
      try {
        answer = await send(target, op);
      } catch (error) {
        const message = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        if (killing) seen.lost.push({ op, round, error: message });
        else seen.unexpected.push(`${op.method} ${op.path}: ${message}`);
        return;
      }
      const outcome = { op, round, status: answer.status, body: answer.body };
      if (isAck(answer.status)) {
        seen.acked.push(outcome);
        ackedThisRound++;
        if (op.kind === 'register') workload.products.push((answer.body as Answer).id);
      } else {
        seen.refused.push(outcome);
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  const deadline = Date.now() + PATIENCE_MS;
  while (ackedThisRound < ACKS_BEFORE_KILL && Date.now() < deadline && seen.unexpected.length === 0) await sleep(5);
  await sleep(random(MAX_KILL_DELAY_MS));
  killing = true;
  await target.kill();
  seen.killSignals.push(target.process.signalCode);
  await Promise.all(clients);
  seen.ackedPerRound.push(ackedThisRound);
}

/**
 * Inspects the files a kill left behind, on a copy so that the restarted service recovers
 * from the untouched originals: the log must be intact, and each read model's documents must
 * be exactly a rebuild of the log up to the checkpoint stored with them.
 */
async function inspectCrashState(round: number): Promise<void> {
  const copy = mkdtempSync(join(tmpdir(), 'orderstream-crash-copy-'));
  try {
    cpSync(dataDir, copy, { recursive: true });
    const state: CrashState = { round, events: 0, head: undefined, projections: [], problems: [] };
    const eventStore = SqliteEventStore.inDataDir(copy);
    let log: RecordedEvent[];
    try {
      log = await readWholeLog(eventStore);
      state.problems.push(...(await logProblems(eventStore, log)));
      state.head = await eventStore.headPosition();
      state.events = log.length;
    } finally {
      await eventStore.close();
    }
    const readStore = new EmbeddedReadStore(join(copy, 'readmodels.db'));
    try {
      for (const projection of allProjections) {
        const checkpoint = await readStore.getCheckpoint(projectionCheckpointName(projection));
        const upTo = checkpoint ?? 0n;
        state.projections.push({ name: projection.name, checkpoint, lag: (state.head ?? 0n) - upTo });
        if (upTo > (state.head ?? 0n)) state.problems.push(`${projection.name}: checkpoint ${upTo} is past the head of the log ${state.head}`);
        const expected = await rebuildReadModels((await openedLog(log, copy)).filter((e) => e.position <= upTo), [projection]);
        const stored = await documentsOf(readStore, [projection]);
        const name = projection.collection.name;
        if (JSON.stringify(stored[name]) !== JSON.stringify(expected[name])) {
          state.problems.push(`${projection.name}: the documents on disk are not the log up to checkpoint ${checkpoint} rebuilt`);
        }
      }
    } finally {
      await readStore.close();
    }
    seen.afterKills.push(state);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function waitForProjections(target: AppUnderTest): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (Date.now() < deadline) {
    const head = (await target.as('admin').request('GET', '/health')).body?.details?.eventStore?.headPosition as string | null;
    const { items } = (await target.as('admin').request('GET', '/v1/admin/subscriptions')).body as { items: { checkpoint: string | null; caughtUp: boolean }[] };
    if (head !== null && items.length > 0 && items.every((s) => s.caughtUp && s.checkpoint === head)) {
      seen.headOverHttp = head;
      seen.subscriptionsCaughtUp = true;
      return;
    }
    await sleep(50);
  }
}

async function readModelsOverHttp(target: AppUnderTest): Promise<void> {
  const minPosition = { 'x-min-position': seen.headOverHttp ?? seen.maxAckedPosition.toString() };
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: HttpAnswer = await target.as('admin').request('GET', `/v1/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: minPosition });
    if (page.status !== 200) throw new Error(`listing answered ${page.status}: ${JSON.stringify(page.body)}`);
    seen.listOverHttp.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor && ++pages < 100);
  const ids = new Set([...seen.listOverHttp.map((item) => (item as { id: string }).id), ...seen.acked.filter((o) => o.op.kind === 'register').map((o) => (o.body as Answer).id)]);
  for (const id of ids) {
    const product = await target.as('admin').request('GET', `/v1/products/${id}`, { headers: minPosition });
    seen.productsOverHttp.set(id, { status: product.status, body: product.body });
  }
}

beforeAll(async () => {
  dataDir = newDataDir();
  const workload = new Workload();

  for (let round = 1; round <= KILLS; round++) {
    app = await startApp({}, dataDir);
    await loadAndKill(app, workload, round);
    await inspectCrashState(round);
  }

  // The last restart: nothing else is sent while the checks run.
  app = await startApp({ MIN_POSITION_WAIT_MS: String(PATIENCE_MS) }, dataDir);
  const target = app;
  for (const { op } of seen.lost) {
    const first = await send(target, op);
    const second = await send(target, op);
    seen.lostRetries.push({ op, first, second });
    if (op.kind === 'register' && isAck(first.status)) workload.products.push((first.body as Answer).id);
    if (isAck(first.status)) seen.acked.push({ op, round: KILLS + 1, status: first.status, body: first.body });
  }
  const sample = [...seen.acked].sort(() => Math.random() - 0.5).slice(0, ACKED_RETRIES);
  for (const outcome of sample) seen.ackedRetries.push({ outcome, again: await send(target, outcome.op) });

  for (const { body } of seen.acked) {
    const position = BigInt((body as Answer).position);
    if (position > seen.maxAckedPosition) seen.maxAckedPosition = position;
  }
  await waitForProjections(target);
  await readModelsOverHttp(target);
  await target.stop();
  app = undefined;

  // The service has exited: its files can be opened.
  const eventStore = SqliteEventStore.inDataDir(dataDir);
  try {
    seen.log = await readWholeLog(eventStore);
    seen.logProblems = await logProblems(eventStore, seen.log);
    seen.logHead = await eventStore.headPosition();
  } finally {
    await eventStore.close();
  }
  const readStore = new EmbeddedReadStore(join(dataDir, 'readmodels.db'));
  try {
    seen.storedReadModels = await documentsOf(readStore, allProjections);
    for (const projection of allProjections) {
      const name = projectionCheckpointName(projection);
      seen.storedCheckpoints.set(name, await readStore.getCheckpoint(name));
    }
  } finally {
    await readStore.close();
  }
  seen.rebuilt = await rebuildReadModels(await openedLog(seen.log, dataDir), allProjections);

  console.log(
    `crash test: ${seen.acked.length} commands acknowledged (${seen.ackedPerRound.join(' + ')} per round, ` +
      `${seen.lostRetries.filter((r) => isAck(r.first.status)).length} more on retry), ${seen.refused.length} refused, ` +
      `${seen.lost.length} in flight at a kill; ${seen.killSignals.length} kills survived (projection lag at each kill: ` +
      `${seen.afterKills.map((k) => k.projections.map((p) => p.lag).join('/')).join(', ')} events); ` +
      `${seen.log.length} events in the log; ${seen.rebuilt[DETAILS]?.length ?? 0} products`,
  );
}, 120_000);

afterAll(async () => {
  await app?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 under load, then restart', () => {
  it('killed a loaded service each round, with requests in flight, and saw no other failure', () => {
    expect(seen.unexpected).toEqual([]);
    expect(seen.killSignals).toEqual(Array(KILLS).fill('SIGKILL'));
    expect(seen.ackedPerRound).toHaveLength(KILLS);
    for (const acked of seen.ackedPerRound) expect(acked).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    expect(seen.lost.length).toBeGreaterThan(0);
    // Every refusal is one the domain or the idempotency layer stands behind, never a 5xx.
    const codes = new Set(seen.refused.map((o) => `${o.status} ${o.body?.code}`));
    for (const code of codes) expect(['409 insufficient_stock', '409 concurrency_conflict']).toContain(code);
  });

  it('leaves consistent files at every kill: the log intact, each read model the log rebuilt up to its checkpoint', () => {
    expect(seen.afterKills.map((k) => k.round)).toEqual(Array.from({ length: KILLS }, (_, i) => i + 1));
    for (const state of seen.afterKills) {
      expect({ round: state.round, problems: state.problems }).toEqual({ round: state.round, problems: [] });
      expect(state.events).toBeGreaterThan(0);
    }
    // The log only grows from kill to kill.
    for (let i = 1; i < seen.afterKills.length; i++) expect(seen.afterKills[i]!.events).toBeGreaterThanOrEqual(seen.afterKills[i - 1]!.events);
  });

  it('keeps the log intact: positions increasing, revisions contiguous, every hash chain verified', () => {
    expect(seen.log.length).toBeGreaterThan(0);
    expect(seen.logProblems).toEqual([]);
    expect(seen.logHead?.toString()).toBe(seen.headOverHttp);
  });

  it('has every acknowledged command in the log, at its revision and position, recorded once', () => {
    const streams = streamsOf(seen.log);
    const missing: string[] = [];
    for (const { op, status, body } of seen.acked) {
      const answer = body as Answer;
      const event = streams.get(productStreamId(answer.id))?.[answer.revision];
      if (!event || event.position.toString() !== answer.position) {
        missing.push(`${op.key} answered ${status} ${JSON.stringify(answer)}; the log has ${event ? `position ${event.position}` : 'nothing'} there`);
        continue;
      }
      const expected = {
        register: { type: 'ProductRegistered', data: { productId: answer.id, ...op.body } },
        // StockReceived v2 names the request's `reference` deliveryReference (src/inventory/inventory.upcasters.ts).
        receive: { type: 'StockReceived', data: { productId: answer.id, quantity: (op.body as { quantity: number }).quantity, deliveryReference: (op.body as { reference: string }).reference } },
        adjust: { type: 'StockAdjusted', data: { productId: answer.id, ...op.body } },
        price: { type: 'PriceChanged', data: { productId: answer.id, price: op.body } },
      }[op.kind];
      if (event.type !== expected.type || JSON.stringify(pick(event.data, expected.data)) !== JSON.stringify(expected.data)) {
        missing.push(`${op.key}: expected ${JSON.stringify(expected)} at ${answer.id}@${answer.revision}, found ${event.type} ${JSON.stringify(event.data)}`);
      }
    }
    expect(missing).toEqual([]);
    // Each of these commands records exactly one event: a command id seen twice is a command
    // applied twice (e.g. a retry after a crash that was not recognised).
    const byCommand = new Map<string, number>();
    for (const event of seen.log) byCommand.set(event.metadata.commandId, (byCommand.get(event.metadata.commandId) ?? 0) + 1);
    expect([...byCommand].filter(([, count]) => count > 1)).toEqual([]);
    // Every acknowledgement names a different event, and since every request lost in a kill
    // was retried, every event in the log is one that was acknowledged: nothing phantom.
    const ackedPositions = seen.acked.map((o) => (o.body as Answer).position);
    expect(new Set(ackedPositions).size).toBe(seen.acked.length);
    // Besides them the log holds only the first admin's registration (every test service starts with
    // one) and its admission to the admin roster (src/identity/admin-roster).
    const [productEvents, others] = [seen.log.filter((e) => e.streamId.startsWith('product-')), seen.log.filter((e) => !e.streamId.startsWith('product-'))];
    expect(others.map((e) => `${e.type} by ${JSON.stringify(e.metadata.actor)}`)).toEqual(['UserRegistered by {"system":"admin-bootstrap"}', 'AdminAdmitted by {"system":"admin-bootstrap"}']);
    expect([...ackedPositions].sort()).toEqual(productEvents.map((e) => e.position.toString()).sort());
  });

  it('answers requests lost in a kill consistently when they are retried with the same key', () => {
    expect(seen.lostRetries.length).toBe(seen.lost.length);
    for (const { op, first, second } of seen.lostRetries) {
      const summary = (a: HttpAnswer) => ({ key: op.key, status: a.status, body: isAck(a.status) ? a.body : a.body?.code });
      expect(summary(second)).toEqual(summary(first));
      // A lost request either got in before the kill or is decided now; either way it is a
      // command the domain accepts, or (a removal) one it refuses for lack of stock.
      const allowed = op.kind === 'register' ? [201] : op.kind === 'adjust' ? [200, 409] : [200];
      expect(allowed).toContain(first.status);
      if (first.status === 409) expect(first.body?.code).toBe('insufficient_stock');
    }
  });

  it('answers acknowledged requests retried after the restarts exactly as it did then', () => {
    expect(seen.ackedRetries.length).toBeGreaterThan(0);
    for (const { outcome, again } of seen.ackedRetries) {
      expect({ key: outcome.op.key, status: again.status, body: again.body }).toEqual({ key: outcome.op.key, status: outcome.status, body: outcome.body });
    }
  });

  it('projections catch up with the head of the log', () => {
    expect(seen.subscriptionsCaughtUp).toBe(true);
    expect(BigInt(seen.headOverHttp!)).toBeGreaterThanOrEqual(seen.maxAckedPosition);
    for (const projection of allProjections) {
      expect({ [projection.name]: seen.storedCheckpoints.get(projectionCheckpointName(projection)) }).toEqual({ [projection.name]: seen.logHead });
    }
  });

  it('a rebuild from scratch equals each product folded by the inventory domain', () => {
    const expected = domainFold(seen.log);
    expect(seen.rebuilt[DETAILS]).toEqual(expected.details);
    expect(seen.rebuilt[LIST]).toEqual(expected.list);
    // Every acknowledged registration is a product.
    const ids = new Set(expected.details.map((d) => d._id));
    for (const o of seen.acked.filter((o) => o.op.kind === 'register')) expect(ids.has((o.body as Answer).id)).toBe(true);
  });

  it('serves over HTTP exactly the read models of the rebuild', () => {
    const details = seen.rebuilt[DETAILS]!;
    const list = seen.rebuilt[LIST]!;
    expect([...seen.productsOverHttp.keys()].sort()).toEqual(details.map((d) => d._id));
    for (const { _id, _position, ...fields } of details) {
      expect(seen.productsOverHttp.get(_id)).toEqual({ status: 200, body: { id: _id, ...fields } });
    }
    const bySku = [...list].sort((a, b) => ((a.sku as string) < (b.sku as string) ? -1 : 1));
    expect(seen.listOverHttp).toEqual(bySku.map(({ _id, sku, name, price, available }) => ({ id: _id, sku, name, price, available })));
  });

  it('holds in readmodels.db exactly the documents of the rebuild', () => {
    expect(seen.storedReadModels[DETAILS]).toEqual(seen.rebuilt[DETAILS]);
    expect(seen.storedReadModels[LIST]).toEqual(seen.rebuilt[LIST]);
  });
});

/** The fields of `actual` that `expected` names, in `expected`'s key order (for a JSON comparison). */
function pick(actual: unknown, expected: Record<string, unknown>): Record<string, unknown> {
  const source = actual as Record<string, unknown>;
  return Object.fromEntries(Object.keys(expected).map((key) => [key, source[key]]));
}

/** The documents the product projections should hold: each product stream folded with the domain's evolve. */
function domainFold(events: readonly RecordedEvent[]): { details: ReadDocument[]; list: ReadDocument[] } {
  const details: ReadDocument[] = [];
  const list: ReadDocument[] = [];
  for (const [streamId, stream] of streamsOf(events)) {
    if (!streamId.startsWith('product-')) continue;
    let state: ProductState = inventoryDecider.initialState;
    for (const event of stream) {
      state = inventoryDecider.evolve(state, eventOf(inventoryDecider, event));
      if (state.status === 'registered' && state.onHand < 0) throw new Error(`${streamId}@${event.revision}: onHand ${state.onHand}`);
    }
    if (state.status !== 'registered') throw new Error(`${streamId} holds events but no registration`);
    const last = stream.at(-1)!;
    const { productId: _id, sku, name, price, onHand } = state;
    const _position = Number(last.position);
    details.push({ _id, _position, sku, name, price, onHand, reserved: 0, available: onHand, revision: last.revision });
    list.push({ _id, _position, sku, name, price, available: onHand });
  }
  const byId = (a: ReadDocument, b: ReadDocument) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
  return { details: details.sort(byId), list: list.sort(byId) };
}
