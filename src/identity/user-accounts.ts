// A user's current state, folded from their own stream. Login and every authenticated request
// read the stream rather than a read model: it is the source of truth, it is current the moment
// a registration or a disabling is acknowledged, and a user stream is a handful of events.
import { Inject, Injectable } from '@nestjs/common';
import { loadState } from '../command-handling/load-state.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { userIdForEmail } from './user-id.js';
import { normalizeEmail, userStreamId, usersDecider, type UserState } from './users.decider.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class UserAccounts {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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
