// Three instances of the built service on the EventStoreDB and MongoDB TEST DOUBLES take a mixed
// order load spread over all of them (every test payment token, cancellations, dispatches,
// deliveries, deadlines) while the holder of the saga's lease is killed with SIGKILL mid-flight
// and, once its subscribers have moved, another holder is paused with SIGSTOP until its leases
// have moved too, then woken with SIGCONT. Clients retry what a kill cut off, with the same
// Idempotency-Key, on another instance. Afterwards:
//  - every order reached a terminal state; every acknowledged order is in the log exactly once;
//  - the log is intact, nothing doubled (no capture, void, refund twice; no stock leaked);
//  - every read model equals the log up to its checkpoint, rebuilt from scratch;
//  - no checkpoint ever moved backwards (watched in MongoDB throughout), so the paused holder
//    that woke wrote nothing stale.
// It prints the failover times it saw (on the doubles, on this machine): figures, not assertions.
import { afterAll, describe, expect, it } from '@jest/globals';
import { allProjections } from '../../projections/index.js';
import { EsdbEventStore } from '../../src/eventstore/esdb/esdb-event-store.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { projectionCheckpointName } from '../../src/projection-engine/projection.js';
import { MongoReadStore } from '../../src/readstore/mongo/mongo-read-store.js';
import { FULFILLMENT_ENV, done, drive, fulfillmentProblems, planOrders, unfinished, type DriveStats } from '../support/fulfillment-story.js';
import { documentsOf, logProblems, openedLogWith, readWholeLog, rebuildReadModels } from '../support/log-verification.js';
import { MongoSubjectKeyStore } from '../../src/personal-data/mongo/mongo-subject-key-store.js';
import { productWithStock, sleep } from '../support/orders-client.js';
import { startCluster, type ClusterUnderTest, type Instance } from './cluster-under-test.js';

const ORDERS = 60;
const LEASE_TTL_MS = 6000;
const PATIENCE_MS = 90_000;
const seen: DriveStats = { acked: 0, networkErrors: 0, refusedActions: [] };
let cluster: ClusterUnderTest | undefined;
let checkpoints: { stop(): Promise<string[]> } | undefined;
let driving = false;
let load: Promise<void> | undefined;

afterAll(async () => {
  driving = false;
  await load;
  await checkpoints?.stop();
  await cluster?.stop();
});

/** Watches every checkpoint in MongoDB until stopped: any that is ever lower than before is a problem. */
function watchCheckpoints(target: ClusterUnderTest): { stop(): Promise<string[]> } {
  const highest = new Map<string, bigint>();
  const problems: string[] = [];
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const now = await target.checkpoints().catch(() => new Map<string, bigint>());
      for (const [name, position] of now) {
        const before = highest.get(name);
        if (before !== undefined && position < before) problems.push(`${name} moved back from ${before} to ${position}`);
        if (before === undefined || position > before) highest.set(name, position);
      }
      await sleep(50);
    }
  })();
  return {
    async stop() {
      watching = false;
      await loop;
      return problems;
    },
  };
}

/** Polls the running instances until every lease in `names` is held by one of `among`; the time it took. */
async function leasesMoveTo(target: ClusterUnderTest, names: readonly string[], among: readonly Instance[], since: number, limitMs: number): Promise<number> {
  for (;;) {
    const tables = await Promise.all(among.map((instance) => target.leases(instance).catch(() => [])));
    const held = new Set(tables.flatMap((table) => table.filter((row) => row.heldHere).map((row) => row.name)));
    if (names.every((name) => held.has(name))) return Date.now() - since;
    if (Date.now() - since > limitMs) throw new Error(`leases ${names.filter((name) => !held.has(name)).join(', ')} did not move within ${limitMs} ms`);
    await sleep(50);
  }
}

describe('three instances under kill -9 and SIGSTOP (test doubles)', () => {
  it('fails subscribers over and keeps every invariant of the single-instance crash tests', async () => {
    cluster = await startCluster(['alpha', 'beta', 'gamma'], {
      ...FULFILLMENT_ENV,
      // Longer than the single-process crash test's: three instances and the doubles share two cores,
      // and a deadline that passes for every order would leave nothing to capture, refund or ship.
      PAYMENT_DEADLINE_MS: '15000',
      TEST_GATEWAY_SLOW_MS: '20000',
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      LOG_LEVEL: 'warn',
    });
    const running = cluster;
    let turn = 0;
    // Any running instance answers any request: the clients go round them.
    const via = () => {
      const live = running.running();
      return live[turn++ % live.length]!.app;
    };
    const [alpha] = running.instances;
    const staffToken = await alpha.app.tokenFor('staff');
    const customers = await Promise.all(Array.from({ length: 4 }, () => alpha.app.newUser('customer')));
    const products = [await productWithStock(alpha.app, 500), await productWithStock(alpha.app, 500), await productWithStock(alpha.app, 12)];
    const productIds = products.map((product) => product.id);
    const plan = planOrders(ORDERS, customers, productIds, 'failover-order');
    checkpoints = watchCheckpoints(running);

    // The load runs in the background through everything that follows.
    let released = 20;
    driving = true;
    load = (async () => {
      while (driving) {
        await drive(via, plan, staffToken, released, seen);
        released = Math.min(ORDERS, released + 4);
        await sleep(30);
      }
    })();
    await sleep(1500);

    // kill -9 the instance running the saga, mid-flight.
    const sagaHolder = async () => {
      // Bounded: the saga's lease may be between two instances for a moment (a hand-over).
      for (const until = Date.now() + 30_000; Date.now() < until; await sleep(100)) {
        for (const instance of running.running()) if ((await running.leases(instance)).some((row) => row.heldHere && row.name === 'order-fulfillment')) return instance;
      }
      throw new Error('nobody runs the saga');
    };
    const victim = await sagaHolder();
    const victimLeases = (await running.leases(victim)).filter((row) => row.heldHere).map((row) => row.name);
    const killedAt = Date.now();
    await running.kill(victim);
    const failoverAfterKillMs = await leasesMoveTo(running, victimLeases, running.running(), killedAt, 10 * LEASE_TTL_MS);

    // SIGSTOP another holder; wake it once its leases run on the last instance.
    await sleep(1000);
    const [paused, last] = running.running();
    const pausedLeases = (await running.leases(paused)).filter((row) => row.heldHere).map((row) => row.name);
    const pausedAt = Date.now();
    running.pause(paused);
    const failoverAfterPauseMs = await leasesMoveTo(running, pausedLeases, [last], pausedAt, 10 * LEASE_TTL_MS);
    await sleep(1000);
    running.resume(paused);

    released = ORDERS;
    const until = Date.now() + PATIENCE_MS;
    while (plan.some((order) => !done(order)) && Date.now() < until) await sleep(200);
    driving = false;
    await load;
    expect(unfinished(plan)).toEqual([]);
    // It woke to find its leases gone, said so, and stopped those subscribers.
    expect(paused.app.output()).toMatch(new RegExp(`Lease \\S+: lost by ${paused.id}/`));

    // Let the subscribers reach the head, then look at the log and the read models.
    const log = EsdbEventStore.connect(running.eventStoreUrl);
    let events: RecordedEvent[];
    try {
      events = await readWholeLog(log);
      expect(await logProblems(log, events)).toEqual([]);
    } finally {
      await log.close();
    }
    expect(fulfillmentProblems(events, plan, productIds)).toEqual([]);
    expect(await checkpoints.stop()).toEqual([]);
    const changes = await Promise.all(running.running().map(async (instance) => {
      const health = await instance.app.as('admin').request('GET', '/health');
      return `${instance.id} ${health.body?.details?.leases?.changes}`;
    }));

    // Read models hold personal values opened; the log holds them sealed (keys in MongoDB).
    const opened = await openedLogWith(events, MongoSubjectKeyStore.connect(running.mongoUrl));
    const readStore = MongoReadStore.connect(running.mongoUrl);
    const stale: string[] = [];
    try {
      const stored = await running.checkpoints();
      for (const projection of allProjections) {
        const upTo = stored.get(projectionCheckpointName(projection)) ?? 0n;
        const expected = await rebuildReadModels(opened.filter((event) => event.position <= upTo), [projection]);
        const actual = await documentsOf(readStore, [projection]);
        const name = projection.collection.name;
        if (JSON.stringify(actual[name]) !== JSON.stringify(expected[name])) stale.push(`${projection.name}: the documents are not the log up to ${upTo} rebuilt`);
      }
    } finally {
      await readStore.close();
    }
    expect(stale).toEqual([]);

    const outcome = { confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 } as Record<string, number>;
    for (const order of plan) outcome[order.last.status]++;
    console.log(
      `failover test (on the test doubles): ${ORDERS} orders (${seen.acked} acknowledged) over 3 instances, outcome ${JSON.stringify(outcome)}; ` +
        `LEASE_TTL_MS ${LEASE_TTL_MS}: ${victimLeases.length} leases of the killed instance ran elsewhere after ${failoverAfterKillMs} ms, ` +
        `${pausedLeases.length} of the paused one after ${failoverAfterPauseMs} ms; ${seen.networkErrors} requests cut off; lease changes seen by the survivors: ${changes.join(', ')}`,
    );
  }, 240_000);
});
