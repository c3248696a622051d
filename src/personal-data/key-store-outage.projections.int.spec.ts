// Projections over events with personal data while the key store of personal data is down: the
// events cannot be opened, so a projection must neither take the value as erased nor pass the event
// by (silently, or by parking it for good); it waits the outage out with back-off and catches up
// once the key store answers again. Run over the runner and the blue/green projections as the
// service composes them, with the users read model (it holds emails), for both key stores: keys.db
// (SQLite: its connection closed, then opened again) and the MongoDB key store through the official
// driver on the wire-protocol TEST DOUBLE (the server unreachable, then back).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { usersProjection, type UserDocument } from '../../projections/users/users.projection.js';
import { Harness, PATIENCE_MS, type RunnerUnderTest } from '../../test/support/subscription-harness.js';
import { mongoDoubleForThisFile } from '../../test/support/mongo-double-under-test.js';
import { ReopenableSubjectKeyStore } from '../../test/support/reopenable-subject-key-store.js';
import type { NewEvent } from '../eventstore/event-store.port.js';
import { personalData } from '../personal-data-declarations.js';
import { MongoSubjectKeyStore } from './mongo/mongo-subject-key-store.js';
import { PersonalDataEventStore } from './personal-data-event-store.js';
import { SqliteSubjectKeyStore } from './sqlite/sqlite-subject-key-store.js';
import type { SubjectKeyStore } from './subject-key-store.port.js';
import { SubjectKeys } from './subject-keys.js';

jest.setTimeout(60_000);

/** Tries seen failing before the key store comes back: more than a give-up after a few would allow. */
const OUTAGE_TRIES = 10;
const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const mongo = mongoDoubleForThisFile();

interface KeyStoreUnderTest {
  /** What the service reads keys through. */
  store: SubjectKeyStore;
  goDown(): Promise<void>;
  comeBack(): void;
  close(): Promise<void>;
}

const keyStores: Array<[string, (harness: Harness) => KeyStoreUnderTest]> = [
  [
    'keys.db (SQLite)',
    (harness) => {
      const store = new ReopenableSubjectKeyStore(() => new SqliteSubjectKeyStore(join(harness.dir, 'keys.db')));
      return { store, goDown: () => store.lose(), comeBack: () => store.reopen(), close: () => store.close() };
    },
  ],
  [
    'the MongoDB key store (wire-protocol test double)',
    () => {
      // A short server selection, so each try during the outage fails within the test's time.
      const store = MongoSubjectKeyStore.connect(`${mongo.freshUrl('orderstream_keys')}&serverSelectionTimeoutMS=200`);
      return {
        store,
        goDown: async () => mongo.double.setReachable(false),
        comeBack: () => mongo.double.setReachable(true),
        close: () => store.close(),
      };
    },
  ],
];

function registered(userId: string, email: string): NewEvent {
  const eventId = randomUUID();
  return {
    eventId, type: 'UserRegistered', data: { userId, email, roles: ['customer'], credentialId: `credential-${userId}` },
    metadata: { actor: { system: 'test' }, commandId: eventId, commandType: 'RegisterUser', correlationId: eventId, causationId: eventId, occurredAt: clock.now().toISOString() },
  };
}

/** Resolves once `check` holds, re-checking every few milliseconds; fails after PATIENCE_MS. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(keyStores)('projections while %s is down', (_name, open) => {
  let harness: Harness;
  let keyStore: KeyStoreUnderTest;

  beforeEach(async () => {
    harness = await Harness.create();
    keyStore = open(harness);
  });
  afterEach(async () => {
    keyStore.comeBack();
    await harness.cleanup();
    await keyStore.close();
  });

  it('neither show the value as erased nor pass the event by: they retry with back-off and catch up when the key store is back', async () => {
    // Written while the key store answered: the emails are sealed in the log.
    const writer = new PersonalDataEventStore(harness.eventStore, personalData, new SubjectKeys(keyStore.store, clock));
    const users = [randomUUID(), randomUUID()].map((userId) => ({ userId, email: `${userId.slice(0, 8)}@example.com` }));
    for (const { userId, email } of users) await writer.append(`user-${userId}`, [registered(userId, email)], 'no_stream');
    const head = await harness.head();

    // A service (re)started while the key store is down: it has no key in memory.
    await keyStore.goDown();
    const reader = new PersonalDataEventStore(harness.eventStore, personalData, new SubjectKeys(keyStore.store, clock));
    const runner: RunnerUnderTest = harness.runner({ eventStore: reader, projections: [usersProjection] });
    runner.start();
    const lane = async () => (await runner.status()).find((status) => status.name === usersProjection.name)!;
    const retries = () => harness.logger.lines.filter(({ level, message }) => level === 'warn' && message.includes('key store') && message.includes('resubscribing')).length;

    // It keeps trying, with the reason in its status, and writes nothing meanwhile (a document
    // written, erased or not, ends the wait at once and fails below).
    const documents = () => Promise.all(users.map(({ userId }) => harness.readStore.findById<UserDocument>(usersProjection.collection.name, userId)));
    await eventually(async () => retries() >= OUTAGE_TRIES || (await documents()).some((doc) => doc !== null), `${OUTAGE_TRIES} tries of the projection while the key store is down`);
    expect(await documents()).toEqual([null, null]);
    const down = await lane();
    expect(down).toMatchObject({ parked: 0, caughtUp: false, checkpoint: null });
    expect(down.lastError).toContain('key store');
    expect(down.lag).toBeGreaterThan(0);

    // Back: it catches up by itself, with the values as written, nothing parked.
    keyStore.comeBack();
    expect(await runner.waitForPosition([usersProjection.name], head, PATIENCE_MS)).toBe(true);
    expect(await documents()).toMatchObject(users.map(({ email }) => ({ email })));
    expect(await lane()).toMatchObject({ parked: 0, checkpoint: head.toString() });
  });
});
