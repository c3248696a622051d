// "At least one active admin", under real concurrency: the last two admins disable or demote each
// other at the same moment, round after round (fast-check picks each side's action). Exactly one
// removal goes through; the other is refused and writes nothing; an active admin always remains.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { loadState } from '../../command-handling/load-state.js';
import { EVENT_STORE, type EventStore } from '../../eventstore/event-store.port.js';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { TEST_ADMIN } from '../../../test/support/api-client.js';
import { userIdForEmail } from '../user-id.js';
import { userStreamId, usersDecider } from '../users.decider.js';

const PASSWORD = 'a perfectly long passphrase';
let api: ApiUnderTest;
let counter = 0;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.destroy();
});

async function activeAdmin(userId: string): Promise<boolean> {
  const user = await loadState(api.app.get<EventStore>(EVENT_STORE), usersDecider, userStreamId(userId));
  return user.status === 'registered' && !user.disabled && user.roles.includes('admin');
}

async function newAdmin(token: string): Promise<{ id: string; token: string }> {
  const email = `admin-${++counter}@orderstream.test`;
  const created = await api.request('POST', '/v1/admin/users', { token, body: { email, password: PASSWORD, roles: ['admin'] } });
  expect(created.status).toBe(201);
  return { id: created.body.id, token: await api.login(email, PASSWORD) };
}

type Removal = 'disable' | 'revoke';
const remove = (by: { token: string }, target: { id: string }, how: Removal) =>
  how === 'disable'
    ? api.request('POST', `/v1/admin/users/${target.id}/disable`, { token: by.token, body: { reason: 'race' } })
    : api.request('DELETE', `/v1/admin/users/${target.id}/roles/admin`, { token: by.token });

describe('the last two admins remove each other at once', () => {
  it('one removal wins, the other is refused 409 last_admin: an active admin always remains', async () => {
    // The survivor of each round hands over to two new admins, then leaves; those two race.
    let survivor = { id: userIdForEmail(TEST_ADMIN.email), token: await api.login(TEST_ADMIN.email, TEST_ADMIN.password) };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Removal>('disable', 'revoke'), fc.constantFrom<Removal>('disable', 'revoke'), async (howA, howB) => {
        const a = await newAdmin(survivor.token);
        const b = await newAdmin(survivor.token);
        expect((await remove(a, survivor, 'disable')).status).toBe(200);

        const [byA, byB] = await Promise.all([remove(a, b, howA), remove(b, a, howB)]);

        // One removal goes through. The other is refused: 409 last_admin when it reached the roster,
        // or 401/403 when its sender had already been removed by the time its token was checked.
        expect([byA.status, byB.status].filter((status) => status === 200)).toHaveLength(1);
        const refused = byA.status === 200 ? byB : byA;
        if (refused.status === 409) expect(refused.body.code).toBe('last_admin');
        else expect([401, 403]).toContain(refused.status);
        const remaining = [(await activeAdmin(a.id)) ? a : undefined, (await activeAdmin(b.id)) ? b : undefined].filter((x) => x !== undefined);
        expect(remaining).toHaveLength(1);
        survivor = remaining[0]!;
      }),
      { numRuns: 6, endOnFailure: true },
    );
  }, 180_000);
});
