// The admin roster: the one place where every admin is seen, so "at least one active admin" is
// decided without a race. Pure: events, commands, decide, evolve.
//
// Why a stream of its own: the rule spans users, and each user is a stream of their own, so two
// admins disabling or demoting each other at once each saw the other still in place. Every change
// that ends a user's being an active admin (revoking the admin role, disabling an admin) first
// appends AdminReleased here, with the expected revision of this stream: of two racing removals one
// wins, and the other decides again on the roster without the winner, and is refused when it would
// remove the last one. Only then is the user's own event appended.
//
// The roster never counts someone who is not an active admin (it may count too few, which only
// refuses a removal that was in fact allowed): a user is admitted only after the event that makes
// them an active admin is in their stream, and released before the event that ends it. An
// admission that raced a release of the same user is stale when it saw no newer revision of the
// user's stream than the release did (`userRevision` below), and is ignored. A removal that
// crashed between the two appends leaves that user uncounted until their stream moves on (safe).
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../../decider/decider.js';
import { DomainError } from '../../decider/domain-error.js';
import type { PersonalDataOf } from '../../decider/personal-data.js';

export const ADMIN_ROSTER_STREAM = 'identity-admins';

/** `userRevision`: the user stream's revision at which they were seen to be an active admin. */
export type AdminAdmitted = DomainEvent<'AdminAdmitted', { userId: string; userRevision: number }>;
/** `userRevision`: the revision the user's stream will have once the removing event is appended. */
export type AdminReleased = DomainEvent<'AdminReleased', { userId: string; userRevision: number }>;
export type AdminRosterEvent = AdminAdmitted | AdminReleased;
export const ADMIN_ROSTER_EVENT_TYPES = eventTypes<AdminRosterEvent>({ AdminAdmitted: true, AdminReleased: true });
/** User ids and revisions only: no personal data (src/personal-data). */
export const ADMIN_ROSTER_PERSONAL_DATA: PersonalDataOf<AdminRosterEvent> = { AdminAdmitted: null, AdminReleased: null };

export type AdmitAdmin = { type: 'AdmitAdmin'; userId: string; userRevision: number };
export type ReleaseAdmin = { type: 'ReleaseAdmin'; userId: string; userRevision: number };
export type AdminRosterCommand = AdmitAdmin | ReleaseAdmin;

export interface AdminRosterState {
  /** The users counted as active admins. */
  admins: string[];
  /** Per user, the highest userRevision of a release: admissions seen at or before it are stale. */
  released: Record<string, number>;
}

const initialState: AdminRosterState = { admins: [], released: {} };

function decide(command: AdminRosterCommand, state: AdminRosterState): AdminRosterEvent[] {
  const member = state.admins.includes(command.userId);
  const releasedAt = state.released[command.userId] ?? -1;
  switch (command.type) {
    case 'AdmitAdmin':
      if (member || command.userRevision < releasedAt) return [];
      return [{ type: 'AdminAdmitted', data: { userId: command.userId, userRevision: command.userRevision } }];
    case 'ReleaseAdmin':
      if (member && state.admins.length <= 1) {
        throw new DomainError('conflict', 'last_admin', 'This is the last active admin: make another user an admin first');
      }
      if (!member && command.userRevision <= releasedAt) return [];
      return [{ type: 'AdminReleased', data: { userId: command.userId, userRevision: command.userRevision } }];
    default:
      return unreachable(command);
  }
}

function evolve(state: AdminRosterState, event: AdminRosterEvent): AdminRosterState {
  switch (event.type) {
    case 'AdminAdmitted':
      return { ...state, admins: [...state.admins.filter((id) => id !== event.data.userId), event.data.userId] };
    case 'AdminReleased':
      return {
        admins: state.admins.filter((id) => id !== event.data.userId),
        released: { ...state.released, [event.data.userId]: Math.max(event.data.userRevision, state.released[event.data.userId] ?? -1) },
      };
    default:
      return unreachable(event);
  }
}

export const adminRosterDecider: Decider<AdminRosterCommand, AdminRosterEvent, AdminRosterState> = { initialState, decide, evolve };
