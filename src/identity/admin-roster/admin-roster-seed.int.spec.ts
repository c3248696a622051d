// The roster's seed at start reads only the users' events recorded since the last seed (its
// checkpoint in the read store), not the whole log, and still admits an admin whose admission a
// crash cut off after that checkpoint.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandProcessor } from '../../command-handling/command-processor.js';
import { loadState } from '../../command-handling/load-state.js';
import { EVENT_STORE, type EventStore, type Position, type ReadAllOptions } from '../../eventstore/event-store.port.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { userIdForEmail } from '../user-id.js';
import { userStreamId, usersDecider } from '../users.decider.js';
import { AdminRoster, ROSTER_SEED_CHECKPOINT } from './admin-roster.js';
import { ADMIN_ROSTER_STREAM, adminRosterDecider } from './admin-roster.decider.js';

let api: ApiUnderTest;
let store: EventStore;
let readStore: ReadStore;
let roster: AdminRoster;

beforeAll(async () => {
  api = await startApi();
  store = api.app.get<EventStore>(EVENT_STORE);
  readStore = api.app.get<ReadStore>(READ_STORE);
  roster = api.app.get(AdminRoster);
});
afterAll(async () => {
  await api?.destroy();
});

/** Runs a seed, answering where each of its reads of the users' events began. */
async function seedReadingFrom(): Promise<(Position | undefined)[]> {
  const starts: (Position | undefined)[] = [];
  const readAll = store.readAll.bind(store);
  store.readAll = (options?: ReadAllOptions) => {
    if (options?.filter?.streamPrefixes?.includes('user-')) starts.push(options.after);
    return readAll(options);
  };
  try {
    await roster.seed();
  } finally {
    store.readAll = readAll;
  }
  return starts;
}

describe('the admin roster seed', () => {
  it('reads from where the last seed stopped, and admits an admin whose admission was cut off since', async () => {
    // A seed over the log as the start left it (the first admin in it).
    await roster.seed();
    const seededBefore = await readStore.getCheckpoint(ROSTER_SEED_CHECKPOINT);
    expect(seededBefore).toBe(await store.headPosition());

    // An admin's account recorded, and the service stopped before the roster step (CreateUserHandler's admit).
    const userId = userIdForEmail('cut-off-admin@orderstream.test');
    const metadata = { commandId: 'cut-off-admin', correlationId: 'cut-off-admin', causationId: 'spec', actor: { system: 'spec' } };
    const registered = await api.app.get(CommandProcessor).handle(usersDecider, {
      streamId: userStreamId(userId),
      command: { type: 'RegisterUser', userId, email: 'cut-off-admin@orderstream.test', roles: ['admin'], credentialId: 'credential-cut-off' },
      metadata,
    });
    expect((await loadState(store, adminRosterDecider, ADMIN_ROSTER_STREAM)).admins).not.toContain(userId);

    expect(await seedReadingFrom()).toEqual([seededBefore]);
    expect((await loadState(store, adminRosterDecider, ADMIN_ROSTER_STREAM)).admins).toContain(userId);
    expect(await readStore.getCheckpoint(ROSTER_SEED_CHECKPOINT)).toBe(registered.position);

    // Nothing new since: the next seed starts after that event and admits no one twice.
    const rosterEvents = (await store.readStream(ADMIN_ROSTER_STREAM)).length;
    expect(await seedReadingFrom()).toEqual([registered.position]);
    expect((await store.readStream(ADMIN_ROSTER_STREAM)).length).toBe(rosterEvents);
  });
});
