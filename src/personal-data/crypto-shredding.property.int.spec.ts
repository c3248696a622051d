// Crypto-shredding over the real embedded stores, property-tested: for random sequences of
// customers registering, placing orders and being erased, the log always verifies, and no erased
// customer's personal value can be read anywhere (the stored events, every read path of the
// decorated store, the database files), while everyone else's reads as written. And the choice for
// logs written before personal data was sealed: their events stay as stored and read as stored.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyLog } from '../audit/verification/log-verifier.js';
import { ERASED_ADDRESS } from '../decider/personal-data.js';
import type { EventStore, NewEvent, RecordedEvent, SubscriptionMessage } from '../eventstore/event-store.port.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { personalData } from '../personal-data-declarations.js';
import { PersonalDataEventStore } from './personal-data-event-store.js';
import { SqliteSubjectKeyStore } from './sqlite/sqlite-subject-key-store.js';
import { SubjectKeys } from './subject-keys.js';

const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const CUSTOMERS = ['c1000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000002', 'c3000000-0000-4000-8000-000000000003'];

const newEvent = (type: string, data: unknown): NewEvent => ({
  eventId: randomUUID(), type, data,
  metadata: { actor: { system: 'property' }, commandId: randomUUID(), commandType: 'Test', correlationId: 'k', causationId: 'k', occurredAt: clock.now().toISOString() },
});
/** A marker no two values share, so finding it anywhere means that very value leaked. */
const marker = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

type Action = { kind: 'register' | 'order' | 'erase'; customer: number };
const action = fc.record({ kind: fc.constantFrom<'register' | 'order' | 'erase'>('register', 'order', 'order', 'erase'), customer: fc.nat(CUSTOMERS.length - 1) });

let dir: string;
let raw: SqliteEventStore;
let keyStore: SqliteSubjectKeyStore;
let store: EventStore;
/** The same instance the store opens with, as in the service (the erasure handler and the event store share it). */
let keys: SubjectKeys;

function open() {
  raw = SqliteEventStore.inDataDir(dir);
  keyStore = SqliteSubjectKeyStore.inDataDir(dir);
  keys = new SubjectKeys(keyStore, clock);
  store = new PersonalDataEventStore(raw, personalData, keys);
}

/** Every run on fresh files. */
async function reopenFresh() {
  await raw.close();
  await keyStore.close();
  rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'orderstream-shredding-'));
  open();
}

/** The subscription's history, up to the caught-up marker. */
async function drain(subscribe: (signal: AbortSignal) => AsyncIterable<SubscriptionMessage>): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  const controller = new AbortController();
  for await (const message of subscribe(controller.signal)) {
    if (message.kind === 'caughtUp') break;
    seen.push(message.event);
  }
  controller.abort();
  return seen;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-shredding-'));
  open();
});
afterEach(async () => {
  await raw.close();
  await keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('crypto-shredding', () => {
  it('property: whatever is written and erased, the log verifies and erased values are nowhere to be read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions: Action[]) => {
        await reopenFresh();
        const written = new Map<string, string[]>(CUSTOMERS.map((customer) => [customer, []]));
        const erased = new Set<string>();
        const revisions = new Map<string, number>();
        const append = async (streamId: string, event: NewEvent) => {
          const revision = revisions.get(streamId) ?? -1;
          await store.append(streamId, [event], revision < 0 ? 'no_stream' : revision);
          revisions.set(streamId, revision + 1);
        };
        for (const { kind, customer: index } of actions) {
          const customer = CUSTOMERS[index]!;
          if (kind === 'erase') {
            await keys.destroy(customer);
            erased.add(customer);
          } else if (kind === 'register') {
            const email = `${marker('mail')}@example.com`;
            written.get(customer)!.push(email);
            await append(`user-${customer}-${randomUUID()}`, newEvent('UserRegistered', { userId: customer, email, roles: ['customer'], credentialId: 'c' }));
          } else {
            const street = marker('street');
            written.get(customer)!.push(street);
            const orderId = randomUUID();
            await append(`order-${orderId}`, newEvent('OrderPlaced', {
              orderId, customerId: customer, lines: [{ productId: 'p', sku: 'S', name: 'mug', quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }],
              total: { amount: 100, currency: 'EUR' }, paymentId: `pay-${orderId}`, shipmentId: `ship-${orderId}`,
              shippingAddress: { name: marker('name'), line1: street, postalCode: '10115', city: 'Berlin', country: 'DE' },
            }));
          }
        }
        expect((await verifyLog(raw)).ok).toBe(true);

        const stored = JSON.stringify((await raw.readAll()).map(({ data }) => data));
        const opened = await store.readAll();
        const readable = JSON.stringify(opened.map(({ data }) => data));
        const streamed = JSON.stringify((await drain((signal) => store.subscribeToAll({ signal }))).map(({ data }) => data));
        const perStream = JSON.stringify((await Promise.all([...revisions.keys()].map((id) => store.readStream(id)))).flat().map(({ data }) => data));
        const files = readdirSync(dir).map((file) => readFileSync(join(dir, file)).toString('latin1')).join('\n');
        for (const [customer, values] of written) {
          for (const value of values) {
            expect(stored).not.toContain(value); // the log never holds personal data in plain
            expect(files).not.toContain(value);
            for (const view of [readable, streamed, perStream]) {
              if (erased.has(customer)) expect(view).not.toContain(value);
              else expect(view).toContain(value);
            }
          }
        }
        // Everything that is not personal reads as written: amounts, lines, ids.
        for (const event of opened.filter((e) => e.type === 'OrderPlaced')) {
          const data = event.data as { customerId: string; total: unknown; shippingAddress: unknown };
          expect(data.total).toEqual({ amount: 100, currency: 'EUR' });
          if (erased.has(data.customerId)) expect(data.shippingAddress).toEqual(ERASED_ADDRESS);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('leaves events written before personal data was sealed as they are: read as stored, verified, and not reached by an erasure', async () => {
    const customer = CUSTOMERS[0]!;
    // Written by an older version, straight to the store: the address in plain.
    await raw.append('order-legacy', [newEvent('OrderPlaced', {
      orderId: 'legacy', customerId: customer, lines: [], total: { amount: 1, currency: 'EUR' }, paymentId: 'p', shipmentId: 's',
      shippingAddress: { name: 'Old Name', line1: 'Old Street 1', postalCode: '1', city: 'X', country: 'DE' },
    })], 'no_stream');
    await keys.destroy(customer);
    const [legacy] = await store.readStream('order-legacy');
    expect((legacy!.data as { shippingAddress: { line1: string } }).shippingAddress.line1).toBe('Old Street 1');
    expect((await verifyLog(raw)).ok).toBe(true);
  });
});
