// The first admin from ADMIN_EMAIL is registered before the service listens on the embedded
// default, however long a busy machine takes; only a remote store that does not answer is
// left to the background after a few seconds.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { CommandBus } from '@nestjs/cqrs';
import type { AppConfig } from '../config/app-config.js';
import { AdminBootstrap } from './bootstrap-admin.js';
import type { UserAccounts } from './user-accounts.js';
import type { AccountCredentials } from './passwords/account-credentials.js';
import type { AdminRoster } from './admin-roster/admin-roster.js';
import type { CreateUserCommand } from './create-user/create-user.command.js';
import { usersDecider } from './users.decider.js';

const REGISTRATION_MS = 20_000;

function bootstrapWith(eventStoreUrl: string | undefined) {
  const registered: string[] = [];
  const config = {
    security: { admin: { email: 'first.admin@example.test', password: 'a-long-enough-password' }, jwt: { mode: 'local', secretGenerated: false }, production: false },
    stores: { eventStoreUrl },
  } as Pick<AppConfig, 'security' | 'stores'>;
  const accounts: Pick<UserAccounts, 'byEmail'> = { byEmail: async () => usersDecider.initialState };
  // A registration that takes as long as hashing a password on a machine at load 11 might.
  const commands: Pick<CommandBus, 'execute'> = {
    execute: (command: unknown) =>
      new Promise((done) =>
        setTimeout(() => {
          registered.push((command as CreateUserCommand).account.email);
          done(undefined as never);
        }, REGISTRATION_MS),
      ),
  };
  const bootstrap = new AdminBootstrap(config as AppConfig, accounts as UserAccounts, commands as CommandBus, {} as AccountCredentials, {} as AdminRoster);
  return { bootstrap, registered };
}

describe('AdminBootstrap at start', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('on the embedded default, does not let the service listen before the first admin is registered', async () => {
    const { bootstrap, registered } = bootstrapWith(undefined);
    let started = false;
    const start = bootstrap.onApplicationBootstrap().then(() => (started = true));
    await jest.advanceTimersByTimeAsync(REGISTRATION_MS - 1);
    expect(started).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await start;
    expect(registered).toEqual(['first.admin@example.test']);
  });

  it('with a remote event store, starts after a few seconds and goes on registering in the background', async () => {
    const { bootstrap, registered } = bootstrapWith('esdb://127.0.0.1:2113?tls=false');
    let started = false;
    const start = bootstrap.onApplicationBootstrap().then(() => (started = true));
    await jest.advanceTimersByTimeAsync(6_000);
    await start;
    expect(started).toBe(true);
    expect(registered).toEqual([]);
    await jest.advanceTimersByTimeAsync(REGISTRATION_MS);
    expect(registered).toEqual(['first.admin@example.test']);
  });
});
