// The account standing every authenticated request checks (UserAccounts.standing) is cached, yet
// always equals the account folded from its whole stream at that moment: whatever was appended
// between two requests (roles granted or revoked, a password change, a disabling) counts at the
// next one. It never holds the email.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { NewEvent } from '../eventstore/event-store.port.js';
import { SqliteEventStore } from '../eventstore/sqlite/sqlite-event-store.js';
import { ROLES } from '../access/roles.js';
import { UserAccounts } from './user-accounts.js';
import { userStreamId, type UserEvent } from './users.decider.js';

let dir: string;
let store: SqliteEventStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-accounts-'));
  store = SqliteEventStore.inDataDir(dir);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const recorded = (event: UserEvent): NewEvent => ({
  eventId: randomUUID(), type: event.type, schemaVersion: event.schemaVersion ?? 1, data: event.data,
  metadata: { actor: { system: 'test' }, commandId: randomUUID(), commandType: 'Test', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-03T00:00:00.000Z' },
});

type Step = { kind: 'check' } | { kind: 'event'; of: (userId: string) => UserEvent };
const role = fc.constantFrom(...ROLES);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'check' as const }),
  role.map((r) => ({ kind: 'event' as const, of: (userId: string): UserEvent => ({ type: 'RoleGranted', data: { userId, role: r } }) })),
  role.map((r) => ({ kind: 'event' as const, of: (userId: string): UserEvent => ({ type: 'RoleRevoked', data: { userId, role: r } }) })),
  fc.uuid().map((credentialId) => ({ kind: 'event' as const, of: (userId: string): UserEvent => ({ type: 'PasswordChanged', data: { userId, credentialId, changedAt: '2026-12-03T10:00:00.000Z' } }) })),
  fc.constant({ kind: 'event' as const, of: (userId: string): UserEvent => ({ type: 'UserDisabled', data: { userId, reason: 'left' } }) }),
);

describe('UserAccounts.standing', () => {
  it('equals the account folded from its whole stream, without the email, after any appends between checks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(step, { maxLength: 25 }), async (registerFirst, steps) => {
        const accounts = new UserAccounts(store);
        const userId = randomUUID();
        let revision = -1;
        const append = async (event: UserEvent) => {
          revision = (await store.append(userStreamId(userId), [recorded(event)], revision < 0 ? 'no_stream' : revision)).nextRevision;
        };
        const check = async () => {
          const whole = await accounts.byId(userId);
          const { email: _email, ...expected } = whole as Extract<typeof whole, { status: 'registered' }>;
          const standing = await accounts.standing(userId);
          expect(standing).toEqual(whole.status === 'registered' ? expected : whole);
          expect(standing).not.toHaveProperty('email');
        };
        if (registerFirst) await check(); // an unknown account first, then registered
        await append({ type: 'UserRegistered', data: { userId, email: `${userId}@example.test`, roles: ['customer'], credentialId: randomUUID() } });
        for (const next of steps) {
          if (next.kind === 'check') await check();
          else await append(next.of(userId));
        }
        await check();
      }),
      { numRuns: 60 },
    );
  });
});
