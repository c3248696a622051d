// The MongoDB key store of personal data failing under a running service (the read models, leases
// and the rest of MongoDB still answering), through the API in process: a write that must seal a
// value answers 503 key_store_unavailable and appends nothing, /health shows keyStore degraded,
// what needs no key goes on, and all of it recovers once the key store answers again.
// The outage is the server's failCommand fail point on the key store's connections only (they name
// themselves MONGO_KEY_STORE_APP_NAME): every command they send has its connection cut, as a
// network failure between the service and the key store would. It runs on the wire-protocol TEST
// DOUBLE in every run, and on a real server when MONGODB_URL is set and the server takes fail
// points (mongod --setParameter enableTestCommands=1).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { expectProblem } from '../../../test/support/expect-problem.js';
import { mongoDoubleForThisFile } from '../../../test/support/mongo-double-under-test.js';
import { reportedSkip } from '../../../test/support/reported-skip.js';
import { databaseUrl, dropDatabase, skippedWithoutMongo } from '../../../test/support/mongo-under-test.js';
import type { EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import { MONGO_KEY_STORE_APP_NAME } from './mongo-subject-key-store.js';

jest.setTimeout(60_000);

const KEY_STORE_OUTAGE = {
  configureFailPoint: 'failCommand',
  mode: 'alwaysOn',
  data: { failCommands: ['find', 'findAndModify', 'update', 'insert'], closeConnection: true, appName: MONGO_KEY_STORE_APP_NAME },
};

interface MongoUnderTest {
  url(): string;
  cleanup(): Promise<void>;
}

function keyStoreOutageSuite(title: string, server: MongoUnderTest): void {
  describe(title, () => {
    let api: ApiUnderTest;
    let admin: MongoClient;
    const failPoint = (command: object) => admin.db('admin').command(command);

    beforeAll(async () => {
      api = await startApi({ MONGODB_URL: server.url() });
      admin = new MongoClient(server.url());
      // The accounts the spec acts as exist before the fault (their emails are sealed).
      expect((await api.as('staff').request('GET', '/v1/products')).status).toBe(200);
      expect((await api.as('admin').request('GET', '/health')).body.details.keyStore).toEqual({ status: 'up' });
    });
    afterAll(async () => {
      await admin?.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' }).catch(() => undefined);
      await admin?.close();
      await api?.destroy();
      await server.cleanup();
    });

    it('answers 503 key_store_unavailable with nothing appended, shows keyStore degraded, and recovers when the key store is back', async () => {
      const raw = api.app.get<EventStore>(RAW_EVENT_STORE);
      const password = 'a long enough passphrase 42';
      await failPoint(KEY_STORE_OUTAGE);
      try {
        const headBefore = await raw.headPosition();
        // A new customer's email must be sealed under a key the key store cannot give.
        const email = `outage-${randomUUID()}@example.com`;
        const registered = await api.request('POST', '/v1/customers', { body: { email, password } });
        expectProblem(registered, 503, 'key_store_unavailable');
        expect(registered.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/));
        expect(registered.body.detail).toContain('nothing was written');
        expect(await raw.headPosition()).toBe(headBefore);
        expect((await api.request('POST', '/v1/auth/token', { body: { email, password } })).status).toBe(401);

        const health = await api.as('admin').request('GET', '/health');
        expect(health.status).toBe(200);
        expect(health.body.status).toBe('degraded');
        expect(health.body.details.keyStore).toMatchObject({ status: 'degraded', message: expect.any(String) });
        // Only the key store is out: the read models in the same MongoDB answer.
        expect(health.body.details.readStore).toMatchObject({ status: 'up' });

        // What needs no key goes on.
        const product = await api.as('staff').request('POST', '/v1/products', { body: { sku: `MKO-${randomUUID().slice(0, 8).toUpperCase()}`, name: 'Keyless mug', price: { amount: 900, currency: 'EUR' } } });
        expect(product.status).toBe(201);
      } finally {
        await failPoint({ configureFailPoint: 'failCommand', mode: 'off' });
      }

      // Back: the same requests go through, without a restart.
      expect((await api.as('admin').request('GET', '/health')).body.details.keyStore).toEqual({ status: 'up' });
      const email = `after-${randomUUID()}@example.com`;
      expect((await api.request('POST', '/v1/customers', { body: { email, password } })).status).toBe(201);
      expect((await api.request('POST', '/v1/auth/token', { body: { email, password } })).status).toBe(200);
    });
  });
}

const double = mongoDoubleForThisFile();
keyStoreOutageSuite('the MongoDB key store out, on the wire-protocol test double', {
  url: () => double.freshUrl('orderstream_key_outage'),
  cleanup: async () => {},
});

/** Whether the real server takes fail points (only with test commands enabled). */
async function takesFailPoints(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

const realUrl = process.env.MONGODB_URL;
if (!realUrl) {
  skippedWithoutMongo('the MongoDB key store out (real server)');
} else if (!(await takesFailPoints(realUrl))) {
  reportedSkip('the MongoDB key store out (real server)', 'the server at MONGODB_URL refuses configureFailPoint (start mongod with --setParameter enableTestCommands=1)');
} else {
  const name = `orderstream_key_outage_${randomUUID().slice(0, 8)}`;
  keyStoreOutageSuite('the MongoDB key store out (real server)', {
    url: () => databaseUrl(realUrl, name),
    cleanup: () => dropDatabase(realUrl, name),
  });
}
