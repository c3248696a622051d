// Users: who may act, in which roles, and whether they still may. Pure: events, commands,
// decide, evolve. Every change of access is an event, so the log answers "who could do what, when".
//
// Invariants:
// - an email belongs to one user. The user id is derived from the normalized email
//   (user-id.ts), so two registrations of one email append to one stream with expected
//   revision "no stream" and exactly one wins, with no window for a race (as SKUs do);
// - a user's roles are known roles, each held at most once (none is allowed: such a user
//   can sign in but is permitted nothing);
// - a disabled user gains nothing: no new role, no new password (disabling is final here;
//   re-enabling would be its own audited command);
// - nobody disables themselves or revokes their own admin role, so an admin cannot lock the
//   last door behind them by accident.
// Passwords never reach the domain: the handler hashes and stores the hash in the credential store
// (crypto and I/O stay outside), and the decider records only the credential id.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import type { PersonalDataOf } from '../decider/personal-data.js';
import { ROLES, isRole, type Role } from '../access/roles.js';


export const MAX_EMAIL_LENGTH = 254;
// Deliberately plain: one "@", no spaces or control characters, a dotted domain. Deliverability
// is the mail system's business; this only keeps garbage out of ids and indexes.
const EMAIL_PATTERN = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/**
 * The form an email is stored, compared and keyed in: trimmed, NFC, lower case, repeated until it
 * no longer changes. Once is not enough: lower-casing some composed letters (Greek capitals with a
 * combining ypogegrammeni, say) yields a sequence NFC composes differently, so a second pass changed
 * it again and two spellings of one address gave two accounts (and two login budgets). A fixed
 * point makes normalizeEmail(normalizeEmail(x)) === normalizeEmail(x). Undefined if invalid.
 */
export function normalizeEmail(raw: string): string | undefined {
  let email = raw.trim();
  // Each pass either stops or changes the text; in practice two passes reach the fixed point.
  for (let pass = 0; pass < 8; pass++) {
    const next = email.normalize('NFC').toLowerCase();
    if (next === email) break;
    email = next;
  }
  if (email.normalize('NFC').toLowerCase() !== email) return undefined;
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email) ? email : undefined;
}

// ---- events ----
// No credential material: the log records THAT a password was set, under a credential id; the
// hash itself lives in the credential store (src/credentialstore), keyed by the user id and that
// id. Version 1 of both events carried `passwordHash`; users.upcasters.ts turns those into this
// shape (credential id `legacy-<eventId>`) and the start-up migration copies their hashes into
// the credential store. `changedAt` dates the change, so tokens issued before it are refused.
export const CREDENTIAL_EVENT_VERSION = 2;
export type UserRegistered = DomainEvent<'UserRegistered', { userId: string; email: string; roles: Role[]; credentialId: string }>;
export type RoleGranted = DomainEvent<'RoleGranted', { userId: string; role: Role }>;
export type RoleRevoked = DomainEvent<'RoleRevoked', { userId: string; role: Role }>;
export type PasswordChanged = DomainEvent<'PasswordChanged', { userId: string; credentialId: string; changedAt: string }>;
export type UserDisabled = DomainEvent<'UserDisabled', { userId: string; reason: string }>;
export type UserEvent = UserRegistered | RoleGranted | RoleRevoked | PasswordChanged | UserDisabled;

export const USER_EVENT_TYPES = eventTypes<UserEvent>({ UserRegistered: true, RoleGranted: true, RoleRevoked: true, PasswordChanged: true, UserDisabled: true });

/**
 * The account's email, sealed under the user's own key (src/personal-data). Once erased it reads as
 * an address of the reserved .invalid domain, still one per user (the users read model keeps emails
 * unique), and the account can no longer sign in.
 */
export const USER_PERSONAL_DATA: PersonalDataOf<UserEvent> = {
  UserRegistered: { subject: (data) => data.userId, erased: { email: (data) => `erased+${data.userId}@erased.invalid` } },
  RoleGranted: null,
  RoleRevoked: null,
  PasswordChanged: null,
  UserDisabled: null,
};

/** Keys that held secrets in version 1 of user events: audit views and exports of old events leave them out. */
export const LEGACY_SECRET_FIELDS = ['passwordHash'] as const;

// ---- commands ----
/** `credentialId`: the id under which the password's hash was stored in the credential store, before this command. */
export type RegisterUser = { type: 'RegisterUser'; userId: string; email: string; roles: Role[]; credentialId: string };
/** `requestedBy`: the acting user's id (or a system name), for the rules about oneself. */
export type GrantRole = { type: 'GrantRole'; userId: string; role: Role; requestedBy: string };
export type RevokeRole = { type: 'RevokeRole'; userId: string; role: Role; requestedBy: string };
export type ChangePassword = { type: 'ChangePassword'; userId: string; credentialId: string; changedAt: string };
export type DisableUser = { type: 'DisableUser'; userId: string; reason: string; requestedBy: string };
export type UserCommand = RegisterUser | GrantRole | RevokeRole | ChangePassword | DisableUser;

// ---- state ----
export type UserState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      userId: string;
      email: string;
      roles: Role[];
      /** The credential the log says is current: login checks the stored hash of this id only. */
      credentialId: string;
      /** When the password last changed (ISO-8601); tokens issued before it are refused. */
      passwordChangedAt?: string;
      disabled: boolean;
    };

const initialState: UserState = { status: 'unregistered' };

function registered(state: UserState, userId: string) {
  if (state.status !== 'registered') throw new DomainError('not_found', 'user_not_found', `User ${userId} does not exist`);
  return state;
}

function active(state: UserState, userId: string) {
  const user = registered(state, userId);
  if (user.disabled) throw new DomainError('conflict', 'user_disabled', `User ${userId} is disabled`);
  return user;
}

function role(value: unknown): Role {
  if (!isRole(value)) throw new DomainError('invalid', 'invalid_role', `A role is one of ${ROLES.join(', ')}`);
  return value;
}

function credentialId(value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new DomainError('invalid', 'invalid_credential', 'A credential id is required');
  return value;
}

function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      if (state.status === 'registered') {
        throw new DomainError('conflict', 'email_already_registered', 'This email is already registered');
      }
      const email = normalizeEmail(command.email);
      if (email === undefined || email !== command.email) {
        throw new DomainError('invalid', 'invalid_email', 'The email must be a valid address in normalized form');
      }
      if (command.roles.length === 0) throw new DomainError('invalid', 'invalid_role', 'A user needs at least one role');
      const roles = [...new Set(command.roles.map(role))];
      return [{ type: 'UserRegistered', schemaVersion: CREDENTIAL_EVENT_VERSION, data: { userId: command.userId, email, roles, credentialId: credentialId(command.credentialId) } }];
    }
    case 'GrantRole': {
      const user = active(state, command.userId);
      const granted = role(command.role);
      if (user.roles.includes(granted)) return [];
      return [{ type: 'RoleGranted', data: { userId: command.userId, role: granted } }];
    }
    case 'RevokeRole': {
      const user = registered(state, command.userId);
      const revoked = role(command.role);
      if (revoked === 'admin' && command.requestedBy === command.userId) {
        throw new DomainError('conflict', 'cannot_revoke_own_admin', 'An admin cannot revoke their own admin role; ask another admin');
      }
      if (!user.roles.includes(revoked)) return [];
      return [{ type: 'RoleRevoked', data: { userId: command.userId, role: revoked } }];
    }
    case 'ChangePassword': {
      const user = active(state, command.userId);
      // A retried command (same credential id) changes nothing twice.
      if (user.credentialId === command.credentialId) return [];
      const data = { userId: command.userId, credentialId: credentialId(command.credentialId), changedAt: command.changedAt };
      return [{ type: 'PasswordChanged', schemaVersion: CREDENTIAL_EVENT_VERSION, data }];
    }
    case 'DisableUser': {
      const user = registered(state, command.userId);
      if (command.requestedBy === command.userId) {
        throw new DomainError('conflict', 'cannot_disable_self', 'Nobody can disable their own account; ask an admin');
      }
      const reason = command.reason.trim();
      if (reason.length === 0 || reason.length > 500) throw new DomainError('invalid', 'invalid_reason', 'reason must be between 1 and 500 characters');
      if (user.disabled) return [];
      return [{ type: 'UserDisabled', data: { userId: command.userId, reason } }];
    }
    default:
      return unreachable(command);
  }
}

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, email, roles, credentialId: current } = event.data;
      return { status: 'registered', userId, email, roles: [...roles], credentialId: current, disabled: false };
    }
    case 'RoleGranted':
      return state.status === 'registered' ? { ...state, roles: [...state.roles, event.data.role] } : state;
    case 'RoleRevoked':
      return state.status === 'registered' ? { ...state, roles: state.roles.filter((r) => r !== event.data.role) } : state;
    case 'PasswordChanged':
      return state.status === 'registered' ? { ...state, credentialId: event.data.credentialId, passwordChangedAt: event.data.changedAt } : state;
    case 'UserDisabled':
      return state.status === 'registered' ? { ...state, disabled: true } : state;
    default:
      return unreachable(event);
  }
}

export const usersDecider: Decider<UserCommand, UserEvent, UserState> = { initialState, decide, evolve };

export const userStreamId = (userId: string) => `user-${userId}`;
