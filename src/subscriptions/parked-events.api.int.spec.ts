// Admins resolve parked events: retry (the subscriber processes it again) or skip (with a reason),
// each decision recorded in the log (who, when, why: auditors read it in the audit history), then
// applied to the parked list; a decision recorded but not yet applied is applied, not made twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiUnderTest } from '../../test/support/api-under-test.js';
import { expectProblem } from '../../test/support/expect-problem.js';
import { READ_STORE, type ReadStore } from '../readstore/read-store.port.js';
import { ProjectionRegistry } from '../projection-engine/projection-registry.js';
import { SubscriptionRunner } from './subscription-runner.js';
import { CommandProcessor } from '../command-handling/command-processor.js';
import { parkedEventsDecider } from './parked-events.decider.js';

let api: ApiUnderTest;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.destroy();
});

const USERS = 'users_v1';
const SQUATTER = 'parked-events-spec-squatter';

/**
 * Parks a user's registration in the users projection: a document already holding the email
 * (written straight to the read store, as a broken earlier build might have) breaks its unique
 * index. Removing that document is the fix that lets a retry succeed.
 */
async function parkedRegistration(email: string): Promise<{ id: string; decisionStream: string; parked: Record<string, unknown>; fix: () => Promise<void> }> {
  const readStore = api.app.get<ReadStore>(READ_STORE);
  const collection = api.app.get(ProjectionRegistry).resolve(USERS);
  await readStore.commit({ subscriber: SQUATTER, writes: [{ op: 'upsert', collection, doc: { _id: `squatter-${email}`, _position: 0, email } }], checkpoint: 0n });
  const created = await api.as('admin').request('POST', '/v1/admin/users', { body: { email, password: 'long enough password', roles: ['analyst'] } });
  expect(created.status).toBe(201);
  const runner = api.app.get(SubscriptionRunner);
  expect(await runner.waitForPosition(['users'], BigInt(created.body.position), 30_000)).toBe(true);
  const parked = (await api.as('admin').request('GET', '/v1/admin/parked-events')).body.items.find((item: { streamId: string }) => item.streamId.endsWith(created.body.id));
  expect(parked).toMatchObject({ subscriber: expect.stringContaining('users'), error: expect.stringContaining('email') });
  const fix = () => readStore.commit({ subscriber: SQUATTER, writes: [{ op: 'delete', collection, id: `squatter-${email}`, position: Number.MAX_SAFE_INTEGER }], checkpoint: 0n });
  return { id: parked.id, decisionStream: parked.decisionStream, parked, fix };
}

/** The decisions on a parked event as an auditor reads them in the audit history. */
async function decisions(stream: string): Promise<Array<{ type: string; data: Record<string, unknown>; metadata: { actor: { userId: string } } }>> {
  const history = await api.as('auditor').request('GET', `/v1/audit/streams/${encodeURIComponent(stream)}`);
  expect(history.status).toBe(200);
  return history.body.items;
}

const listed = async (id: string): Promise<boolean> =>
  (await api.as('admin').request('GET', '/v1/admin/parked-events')).body.items.some((item: { id: string }) => item.id === id);

describe('retrying a parked event', () => {
  it('fails while the cause stays (the event stays parked), then succeeds once it is fixed and leaves the list', async () => {
    const { id, decisionStream, fix } = await parkedRegistration('retry-me@orderstream.test');
    const path = `/v1/admin/parked-events/${encodeURIComponent(id)}/retry`;

    expectProblem(await api.as('admin').request('POST', path), 422, 'retry_failed');
    expect(await listed(id)).toBe(true);

    await fix();
    const retried = await api.as('admin').request('POST', path);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, resolution: { action: 'retried', by: expect.any(String), at: expect.any(String) } });
    expect(await listed(id)).toBe(false);
    const users = await api.as('admin').request('GET', '/v1/admin/users?limit=100');
    expect(users.body.items.map((user: { email: string }) => user.email)).toContain('retry-me@orderstream.test');

    expectProblem(await api.as('admin').request('POST', path), 409, 'parked_event_resolved');
    const recorded = await decisions(decisionStream);
    expect(recorded.map((event) => event.type)).toEqual(['ParkedEventRetryFailed', 'ParkedEventRetried']);
    expect(recorded[0]!.data).toMatchObject({ subscriber: expect.stringContaining('users'), failure: expect.stringContaining('email') });
    expect(recorded[1]!.metadata.actor.userId).toBe(retried.body.resolution.by);
  });
});

describe('skipping a parked event', () => {
  it('records who skipped it, when and why; it leaves the list; a second resolution is refused', async () => {
    const { id } = await parkedRegistration('skip-me@orderstream.test');
    const path = `/v1/admin/parked-events/${encodeURIComponent(id)}/skip`;

    expectProblem(await api.as('admin').request('POST', path, { body: {} }), 400, 'validation_failed');
    expectProblem(await api.as('admin').request('POST', path, { body: { reason: '' } }), 400, 'validation_failed');
    expectProblem(await api.as('admin').request('POST', path, { body: { reason: '   ' } }), 422, 'invalid_reason');
    expect(await listed(id)).toBe(true);

    const skipped = await api.as('admin').request('POST', path, { body: { reason: 'duplicate account, merged by hand' } });
    expect(skipped.status).toBe(200);
    expect(skipped.body.resolution).toEqual({ action: 'skipped', by: expect.any(String), at: expect.any(String), reason: 'duplicate account, merged by hand' });
    expect(await listed(id)).toBe(false);

    expectProblem(await api.as('admin').request('POST', path, { body: { reason: 'again' } }), 409, 'parked_event_resolved');
    expectProblem(await api.as('admin').request('POST', `/v1/admin/parked-events/${encodeURIComponent(id)}/retry`), 409, 'parked_event_resolved');
  });

  it('is a decision in the log: the auditor reads who skipped which event and why; analysts may not', async () => {
    const { id, decisionStream, parked } = await parkedRegistration('skip-audited@orderstream.test');
    const skipped = await api.as('admin').request('POST', `/v1/admin/parked-events/${encodeURIComponent(id)}/skip`, { body: { reason: 'account checked by hand' } });
    expect(skipped.status).toBe(200);

    const recorded = await decisions(decisionStream);
    expect(recorded).toEqual([expect.objectContaining({
      type: 'ParkedEventSkipped',
      data: { subscriber: parked.subscriber, position: parked.position, streamId: parked.streamId, revision: parked.revision, eventId: parked.eventId, eventType: parked.type, reason: 'account checked by hand' },
    })]);
    expect(recorded[0]!.metadata.actor.userId).toBe(skipped.body.resolution.by);
    const found = await api.as('auditor').request('GET', '/v1/audit/events?type=ParkedEventSkipped');
    expect(found.body.items.map((event: { streamId: string }) => event.streamId)).toContain(decisionStream);
    expectProblem(await api.as('analyst').request('GET', `/v1/audit/streams/${encodeURIComponent(decisionStream)}`), 403, 'forbidden');
  });

  it('a decision recorded but not applied (the service stopped in between) is applied, not made again', async () => {
    const { id, decisionStream, parked } = await parkedRegistration('skip-half-done@orderstream.test');
    const ref = { subscriber: String(parked.subscriber), position: String(parked.position), streamId: String(parked.streamId), revision: Number(parked.revision), eventId: String(parked.eventId), eventType: String(parked.type) };
    // Only the first half of a skip: the decision in the log, the parked list untouched.
    await api.app.get(CommandProcessor).handle(parkedEventsDecider, {
      streamId: decisionStream,
      command: { type: 'SkipParkedEvent', parked: ref, reason: 'recorded before a crash' },
      metadata: { commandId: 'half-done-skip', correlationId: 'half-done-skip', causationId: 'half-done-skip', actor: { system: 'parked-events-spec' } },
    });
    expect(await listed(id)).toBe(true);

    expectProblem(await api.as('admin').request('POST', `/v1/admin/parked-events/${encodeURIComponent(id)}/skip`, { body: { reason: 'again' } }), 409, 'parked_event_resolved');
    expect(await listed(id)).toBe(false);
    expect((await decisions(decisionStream)).map((event) => event.type)).toEqual(['ParkedEventSkipped']);
  });
});

describe('refusals', () => {
  it('answers 404 for an id that was never parked and 400 for one that is not an id', async () => {
    expectProblem(await api.as('admin').request('POST', '/v1/admin/parked-events/users%40v1:999999/retry'), 404, 'parked_event_not_found');
    expectProblem(await api.as('admin').request('POST', '/v1/admin/parked-events/users%40v1:999999/skip', { body: { reason: 'x' } }), 404, 'parked_event_not_found');
    expectProblem(await api.as('admin').request('POST', '/v1/admin/parked-events/no-position/retry'), 400, 'invalid_id');
    expectProblem(await api.as('admin').request('POST', `/v1/admin/parked-events/users:${'9'.repeat(30)}/retry`), 400, 'invalid_id');
  });

  it.each(['analyst', 'auditor', 'staff', 'customer'] as const)('refuses a %s', async (role) => {
    expectProblem(await api.as(role).request('POST', '/v1/admin/parked-events/users%40v1:1/retry'), 403, 'forbidden');
    expectProblem(await api.as(role).request('POST', '/v1/admin/parked-events/users%40v1:1/skip', { body: { reason: 'x' } }), 403, 'forbidden');
  });
});
