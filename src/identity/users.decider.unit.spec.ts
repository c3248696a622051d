import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fold } from '../decider/decider.js';
import { deciderSpec } from '../../test/support/decider-spec.js';
import { normalizeEmail, usersDecider, type UserEvent } from './users.decider.js';

const spec = deciderSpec(usersDecider);
const userId = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const adminId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const registered: UserEvent = { type: 'UserRegistered', data: { userId, email: 'ann@example.com', roles: ['customer'], credentialId: 'c1' }, schemaVersion: 2 };
const disabled: UserEvent = { type: 'UserDisabled', data: { userId, reason: 'fraud' } };

describe('normalizeEmail', () => {
  it('is idempotent: a normalized email normalizes to itself (one spelling, one account, one budget)', () => {
    // Greek capitals with a combining ypogegrammeni (U+0345) change again under a second NFC + lower case.
    const letter = fc.oneof(
      fc.constantFrom('a', 'Z', '.', '\u0386', '\u0389', '\u038F', '\u0391', '\u03A9', '\u1F08', '\u0130', '\u03A3', '\u1E9E'),
      fc.integer({ min: 0x300, max: 0x36f }).map((cp) => String.fromCodePoint(cp)),
      fc.integer({ min: 0x370, max: 0x3ff }).map((cp) => String.fromCodePoint(cp)),
      fc.integer({ min: 0x1f00, max: 0x1fff }).map((cp) => String.fromCodePoint(cp)),
    );
    const local = fc.array(letter, { minLength: 1, maxLength: 12 }).map((parts) => `x${parts.join('')}`);
    fc.assert(
      fc.property(local, (name) => {
        const once = normalizeEmail(`${name}@example.com`);
        if (once !== undefined) expect(normalizeEmail(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
    expect(normalizeEmail('x\u0386\u0345@example.com')).toBe(normalizeEmail(normalizeEmail('x\u0386\u0345@example.com')!));
  });

  it('trims, lower-cases and NFC-normalizes', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
    expect(normalizeEmail('Jose\u0301@example.com')).toBe('jos\u00e9@example.com');
  });

  it.each(['', 'ann', 'ann@', '@example.com', 'ann@example', 'a b@example.com', 'ann@@example.com', `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`, 'ann\u0000@example.com'])(
    'refuses %j',
    (raw) => {
      expect(normalizeEmail(raw)).toBeUndefined();
    },
  );
});

describe('RegisterUser', () => {
  it('registers a new user with their roles', () => {
    spec.given().when({ type: 'RegisterUser', userId, email: 'ann@example.com', roles: ['customer'], credentialId: 'c1' }).then(registered);
  });

  it('records each role once', () => {
    spec.given()
      .when({ type: 'RegisterUser', userId, email: 'ann@example.com', roles: ['staff', 'staff', 'analyst'], credentialId: 'h' })
      .then({ type: 'UserRegistered', schemaVersion: 2, data: { userId, email: 'ann@example.com', roles: ['staff', 'analyst'], credentialId: 'h' } });
  });

  it('refuses an email that is already registered', () => {
    spec.given(registered).when({ type: 'RegisterUser', userId, email: 'ann@example.com', roles: ['customer'], credentialId: 'h' }).thenError('email_already_registered');
  });

  it('refuses an email that is not in normalized form', () => {
    spec.given().when({ type: 'RegisterUser', userId, email: 'Ann@example.com', roles: ['customer'], credentialId: 'h' }).thenError('invalid_email');
  });

  it('refuses an unknown role and an empty role list', () => {
    spec.given().when({ type: 'RegisterUser', userId, email: 'ann@example.com', roles: ['root' as never], credentialId: 'h' }).thenError('invalid_role');
    spec.given().when({ type: 'RegisterUser', userId, email: 'ann@example.com', roles: [], credentialId: 'h' }).thenError('invalid_role');
  });

  it('refuses a missing credential', () => {
    spec.given().when({ type: 'RegisterUser', userId, email: 'ann@example.com', roles: ['customer'], credentialId: '' }).thenError('invalid_credential');
  });
});

describe('GrantRole and RevokeRole', () => {
  it('grants a role the user lacks, and nothing when they hold it', () => {
    spec.given(registered).when({ type: 'GrantRole', userId, role: 'staff', requestedBy: adminId }).then({ type: 'RoleGranted', data: { userId, role: 'staff' } });
    spec.given(registered).when({ type: 'GrantRole', userId, role: 'customer', requestedBy: adminId }).thenNothing();
  });

  it('grants nothing to an unknown or disabled user', () => {
    spec.given().when({ type: 'GrantRole', userId, role: 'staff', requestedBy: adminId }).thenError('user_not_found');
    spec.given(registered, disabled).when({ type: 'GrantRole', userId, role: 'staff', requestedBy: adminId }).thenError('user_disabled');
  });

  it('revokes a held role, and nothing when it is not held', () => {
    spec.given(registered).when({ type: 'RevokeRole', userId, role: 'customer', requestedBy: adminId }).then({ type: 'RoleRevoked', data: { userId, role: 'customer' } });
    spec.given(registered).when({ type: 'RevokeRole', userId, role: 'auditor', requestedBy: adminId }).thenNothing();
  });

  it('still revokes from a disabled user: reducing access is always allowed', () => {
    spec.given(registered, disabled).when({ type: 'RevokeRole', userId, role: 'customer', requestedBy: adminId }).then({ type: 'RoleRevoked', data: { userId, role: 'customer' } });
  });

  it('refuses an admin revoking their own admin role', () => {
    const admin: UserEvent = { type: 'UserRegistered', data: { userId: adminId, email: 'root@example.com', roles: ['admin'], credentialId: 'h' } };
    spec.given(admin).when({ type: 'RevokeRole', userId: adminId, role: 'admin', requestedBy: adminId }).thenError('cannot_revoke_own_admin');
  });

  it('refuses an unknown role', () => {
    spec.given(registered).when({ type: 'GrantRole', userId, role: 'superuser' as never, requestedBy: adminId }).thenError('invalid_role');
  });
});

describe('ChangePassword', () => {
  const changedAt = '2026-12-03T12:00:00.000Z';
  it('records the new credential id (never a hash) and when', () => {
    spec.given(registered).when({ type: 'ChangePassword', userId, credentialId: 'c2', changedAt }).then({ type: 'PasswordChanged', schemaVersion: 2, data: { userId, credentialId: 'c2', changedAt } });
  });

  it('records nothing for a retried command (the credential is already current)', () => {
    spec.given(registered).when({ type: 'ChangePassword', userId, credentialId: 'c1', changedAt }).thenNothing();
  });

  it('refuses for a disabled user', () => {
    spec.given(registered, disabled).when({ type: 'ChangePassword', userId, credentialId: 'h2', changedAt: '2026-12-03T12:00:00.000Z' }).thenError('user_disabled');
  });
});

describe('DisableUser', () => {
  it('disables with a reason, once', () => {
    spec.given(registered).when({ type: 'DisableUser', userId, reason: ' fraud ', requestedBy: adminId }).then(disabled);
    spec.given(registered, disabled).when({ type: 'DisableUser', userId, reason: 'again', requestedBy: adminId }).thenNothing();
  });

  it('refuses disabling oneself and an empty reason', () => {
    spec.given(registered).when({ type: 'DisableUser', userId, reason: 'bye', requestedBy: userId }).thenError('cannot_disable_self');
    spec.given(registered).when({ type: 'DisableUser', userId, reason: '  ', requestedBy: adminId }).thenError('invalid_reason');
  });
});

describe('evolve', () => {
  it('folds the history into roles, current credential and status', () => {
    const state = fold(usersDecider, [
      registered,
      { type: 'RoleGranted', data: { userId, role: 'staff' } },
      { type: 'RoleRevoked', data: { userId, role: 'customer' } },
      { type: 'PasswordChanged', data: { userId, credentialId: 'h3', changedAt: '2026-12-03T12:00:00.000Z' } },
      disabled,
    ] satisfies UserEvent[]);
    expect(state).toEqual({ status: 'registered', userId, email: 'ann@example.com', roles: ['staff'], credentialId: 'h3', passwordChangedAt: '2026-12-03T12:00:00.000Z', disabled: true });
  });
});
