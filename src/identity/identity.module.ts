// Identity: users (event-sourced), passwords, login and tokens, and the passport strategy that
// verifies tokens for the access guard (src/access).
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from './tokens/jwt.strategy.js';
import { AdminBootstrap } from './bootstrap-admin.js';
import { ChangePasswordHandler } from './change-password/change-password.command.js';
import { ChangePasswordController } from './change-password/change-password.http.js';
import { CreateUserHandler } from './create-user/create-user.command.js';
import { CreateUserController } from './create-user/create-user.http.js';
import { DisableUserController } from './disable-user/disable-user.http.js';
import { GrantRoleController } from './grant-role/grant-role.http.js';
import { IssueTokenController } from './issue-token/issue-token.http.js';
import { LoginThrottle } from './issue-token/login-throttle.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import { AccountCredentials } from './passwords/account-credentials.js';
import { LegacyCredentials } from './legacy-credentials.js';
import { AdminRoster } from './admin-roster/admin-roster.js';
import { GetUserHandler, ListUsersHandler } from './queries/user-queries.js';
import { MeController, UsersController } from './queries/users.http.js';
import { RegisterCustomerController } from './register-customer/register-customer.http.js';
import { RevokeRoleController } from './revoke-role/revoke-role.http.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { UserAccounts } from './user-accounts.js';
import { UserCommandHandler } from './user-command.js';
import type { LogData } from '../access/log-read-policy.js';
import { USER_EVENT_TYPES, userStreamId } from './users.decider.js';

/** Accounts in the log: emails and roles (src/access/log-read-policy.ts). */
export const identityLogData: LogData = { kind: 'accounts', streamPrefixes: [userStreamId('')], eventTypes: USER_EVENT_TYPES, permission: 'identity.read-log' };

@Module({
  imports: [PassportModule],
  controllers: [
    IssueTokenController,
    RegisterCustomerController,
    CreateUserController,
    GrantRoleController,
    RevokeRoleController,
    DisableUserController,
    ChangePasswordController,
    UsersController,
    MeController,
  ],
  providers: [
    JwtStrategy,
    UserAccounts,
    { provide: PasswordHasher, useValue: new PasswordHasher() },
    AccountCredentials,
    LegacyCredentials,
    AdminRoster,
    TokenIssuer,
    LoginThrottle,
    AdminBootstrap,
    UserCommandHandler,
    CreateUserHandler,
    ChangePasswordHandler,
    GetUserHandler,
    ListUsersHandler,
  ],
})
export class IdentityModule {}
