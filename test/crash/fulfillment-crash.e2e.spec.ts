// Crash safety of order fulfillment: the built service killed with SIGKILL at 10 random moments
// while 100 orders are in flight (sagas reserving, authorizing with every test token, deadlines
// running, customers cancelling, staff dispatching and delivering), restarted on the same
// DATA_DIR each time. Clients retry unanswered requests with the same Idempotency-Key.
// After the last restart every order must reach a terminal state, and the log must show:
//  - the log intact (positions, revisions, hash chains);
//  - no saga left waiting: cancelled orders' sagas completed, the others waiting only for staff;
//  - no stock leaked or released twice: a reservation is held only by a confirmed order awaiting
//    dispatch, released or shipped at most once, never both;
//  - no payment captured (voided, refunded) twice; a cancelled order's capture is refunded, and
//    an authorization that came after the cancellation is voided, never captured;
//  - no cancelled order shipped: no dispatch, no stock shipped, any shipment it had cancelled.
import { afterAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { newDataDir, startApp, type AppUnderTest } from '../support/app-under-test.js';
import { FULFILLMENT_ENV, done, drive, fulfillmentProblems, planOrders, unfinished, type DriveStats } from '../support/fulfillment-story.js';
import { logProblems, readWholeLog } from '../support/log-verification.js';
import { productWithStock, sleep } from '../support/orders-client.js';

const ORDERS = 100;
const UP_FRONT = 60;
const KILLS = 10;
const PATIENCE_MS = 60_000;

const random = (n: number) => Math.floor(Math.random() * n);
const dataDir = newDataDir();
let app: AppUnderTest | undefined;
const seen: DriveStats & { kills: number } = { kills: 0, acked: 0, networkErrors: 0, refusedActions: [] };

afterAll(async () => {
  await app?.destroy();
});

describe('order fulfillment under kill -9', () => {
  it('brings every order to a terminal state with nothing leaked, doubled or shipped after cancellation', async () => {
    app = await startApp(FULFILLMENT_ENV, dataDir);
    const staffToken = await app.tokenFor('staff');
    const customers = await Promise.all(Array.from({ length: 4 }, () => app!.newUser('customer')));
    const plenty = await productWithStock(app, 500);
    const more = await productWithStock(app, 500);
    const scarce = await productWithStock(app, 12);
    const productIds = [plenty.id, more.id, scarce.id];
    await app.request('GET', `/v1/products/${scarce.id}`, { token: staffToken, headers: { 'x-min-position': scarce.position } });

    const plan = planOrders(ORDERS, customers, productIds, 'crash-order');

    // Rounds: drive the clients until a random moment, kill -9, start again on the same data.
    let released = UP_FRONT;
    for (let round = 0; round < KILLS; round++) {
      const current = app;
      const killAt = Date.now() + 250 + random(900);
      while (Date.now() < killAt) {
        await Promise.race([drive(() => current, plan, staffToken, released, seen), sleep(Math.max(0, killAt - Date.now()))]);
        released = Math.min(ORDERS, released + 5);
        await sleep(20);
      }
      await current.kill();
      seen.kills++;
      app = await startApp(FULFILLMENT_ENV, dataDir);
    }
    released = ORDERS;

    // After the last restart: drive until every order is where its story ends.
    const until = Date.now() + PATIENCE_MS;
    const last = app;
    while (plan.some((order) => !done(order)) && Date.now() < until) {
      await drive(() => last, plan, staffToken, released, seen);
      await sleep(100);
    }
    expect(unfinished(plan)).toEqual([]);

    const outcome = { confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 } as Record<string, number>;
    for (const order of plan) outcome[order.last.status]++;
    console.log(`fulfillment crash test: ${ORDERS} orders placed (${seen.acked} acknowledged), ${seen.kills} kill -9 survived, outcome ${JSON.stringify(outcome)}, ${seen.networkErrors} requests cut by kills`);

    // ---- what the log says ----
    await app.stop();
    const store = SqliteEventStore.inDataDir(dataDir);
    let events: RecordedEvent[];
    try {
      events = await readWholeLog(store);
      expect(await logProblems(store, events)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(fulfillmentProblems(events, plan, productIds)).toEqual([]);
    expect(seen.kills).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
