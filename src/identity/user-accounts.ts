// A user's current state, folded from their own stream. Login and every authenticated request
// read the stream rather than a read model: it is the source of truth, it is current the moment
// a registration or a disabling is acknowledged, and a user stream is a handful of events.
import { Inject, Injectable } from '@nestjs/common';
import { eventOf, loadState } from '../command-handling/load-state.js';
import { StreamStateCache } from '../command-handling/stream-state-cache.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { userIdForEmail } from './user-id.js';
import { normalizeEmail, userStreamId, usersDecider, type UserState } from './users.decider.js';

/** A user's state without the email (UserAccounts.standing). */
export type AccountStanding = { status: 'unregistered' } | Omit<Extract<UserState, { status: 'registered' }>, 'email'>;

function withoutEmail(state: UserState): AccountStanding {
  if (state.status !== 'registered') return state;
  const { email: _email, ...standing } = state;
  return standing;
}

/** A standing to fold on: evolve never reads the email (only UserRegistered sets it), so a blank one stands in. */
function folded(standing: AccountStanding): UserState {
  return standing.status === 'registered' ? { ...standing, email: '' } : standing;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class UserAccounts {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Folded standings of the accounts that presented tokens lately (at most this many). */
  private readonly standings = new StreamStateCache(10_000);

  /**
   * The account as authenticating a request needs it, current to the last commit like byId, but
   * cheap enough for every request: the fold is cached and only the events appended since are read
   * (most often none). The email is left out of it: nothing here needs it, and an erased subject's
   * address must not stay in memory (byId reads the stream, so it shows the address as erased).
   */
  async standing(userId: string): Promise<AccountStanding> {
    if (!UUID.test(userId)) return usersDecider.initialState;
    const streamId = userStreamId(userId);
    const cached = this.standings.get<AccountStanding>(streamId, usersDecider);
    const fromRevision = cached ? cached.revision + 1 : 0;
    const delta = await this.store.readStream(streamId, { fromRevision });
    if (delta.length === 0) return cached?.state ?? usersDecider.initialState;
    if (delta[0]!.revision !== fromRevision) {
      // Not a continuation of what was cached (the stream was replaced): fold it from the start.
      this.standings.forget(streamId);
      return this.standing(userId);
    }
    let state = cached ? folded(cached.state) : usersDecider.initialState;
    for (const event of delta) state = usersDecider.evolve(state, eventOf(usersDecider, event));
    const standing = withoutEmail(state);
    const last = delta.at(-1)!;
    this.standings.remember(streamId, usersDecider, { revision: last.revision, position: last.position, state: standing, commands: new Map(), hash: undefined, snapshotRevision: -1, earlierCommands: undefined });
    return standing;
  }

  async byId(userId: string): Promise<UserState> {
    if (!UUID.test(userId)) return usersDecider.initialState;
    return loadState(this.store, usersDecider, userStreamId(userId));
  }

  /** The account an email names (normalized first); unregistered for an invalid email. */
  async byEmail(email: string): Promise<UserState> {
    const normalized = normalizeEmail(email);
    return normalized === undefined ? usersDecider.initialState : this.byId(userIdForEmail(normalized));
  }
}
