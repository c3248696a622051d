// The first admin, from ADMIN_EMAIL and ADMIN_PASSWORD, registered at start if that account does
// not exist. Idempotent: an existing account is left exactly as it is (its password is not reset,
// and if it is not an admin it is NOT promoted, since someone may have registered that email as a
// customer first; a warning says so). Concurrent starts race on "no stream" and one wins.
// If the event store cannot be reached at start, the service still starts (degraded, as
// /health shows) and the registration is retried in the background until the store answers.
//
// Without ADMIN_EMAIL/ADMIN_PASSWORD, and no active admin in the log, nobody could manage users:
// - on the embedded default outside production (the quick start), an admin is created with a
//   random password, shown once on the console (never through the logger: logs are kept and
//   shipped) with how to change it, and recorded like the ADMIN_EMAIL bootstrap;
// - in production mode (NODE_ENV=production) the start stops with one sentence;
// - on the production engines outside production, a warning says so (the engines may be
//   shared with instances that have the admin variables).
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { APP_CONFIG, ConfigError, type AppConfig } from '../config/app-config.js';
import { DomainError } from '../decider/domain-error.js';
import { CreateUserCommand } from './create-user/create-user.command.js';
import { UserAccounts } from './user-accounts.js';
import { AccountCredentials } from './passwords/account-credentials.js';
import { AdminRoster } from './admin-roster/admin-roster.js';
import { userIdForEmail } from './user-id.js';
import { normalizeEmail } from './users.decider.js';

const BOOTSTRAP_NAMESPACE = '5e0c2d7a-93b4-4f18-a6c1-7d2e8b9f0a36';
const BOOTSTRAP_ACTOR = { system: 'admin-bootstrap' } as const;
const START_WAIT_MS = 5000;
/** The account created when none is configured (quick start); the operator may rename nothing, only change its password. */
export const GENERATED_ADMIN_EMAIL = 'admin@orderstream.local';

@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: UserAccounts,
    private readonly commands: CommandBus,
    private readonly credentials: AccountCredentials,
    private readonly roster: AdminRoster,
  ) {}

  private retry: NodeJS.Timeout | undefined;

  async onApplicationBootstrap(): Promise<void> {
    const { admin, jwt } = this.config.security;
    if (jwt.mode === 'local' && jwt.secretGenerated) {
      this.logger.warn('JWT_SECRET is not set: using a random secret for this run only, so tokens stop working when the service restarts. Set JWT_SECRET (32+ bytes) to keep them.');
    }
    if (admin === undefined) {
      if (jwt.mode === 'local') await this.whenNoAdminConfigured();
      return;
    }
    if (jwt.mode !== 'local') {
      this.logger.warn('ADMIN_EMAIL is ignored: with JWT_JWKS_URL, users and roles come from the identity provider');
      return;
    }
    // Configuration keeps ADMIN_EMAIL as text; what an email is, identity says. A wrong one stops
    // the start with a plain message (main.ts), like any other setting.
    const email = normalizeEmail(admin.email);
    if (email === undefined) throw new ConfigError('ADMIN_EMAIL must be an email address');
    // Done before the service listens, so a sign-in right after "listening" finds the admin. On the
    // embedded default the store is a local file that always answers (a failure schedules a retry
    // and returns), so the start waits however long a busy machine takes to hash the password.
    // A remote store that does not answer does not hold the start up for long: the attempt goes
    // on, and retries, in the background.
    const attempt = this.attempt(email, admin.password, 1);
    if (this.config.stores.eventStoreUrl === undefined) return attempt;
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([attempt, new Promise<void>((done) => (waited = setTimeout(done, START_WAIT_MS)))]);
    clearTimeout(waited);
  }

  private async whenNoAdminConfigured(): Promise<void> {
    let hasAdmin: boolean;
    try {
      hasAdmin = await this.roster.hasActiveAdmin();
    } catch (error) {
      // A store that does not answer: the service starts degraded (/health); nothing to decide yet.
      this.logger.warn(`Could not tell whether an admin exists (${(error as Error).message}); set ADMIN_EMAIL and ADMIN_PASSWORD to be sure of one`);
      return;
    }
    if (hasAdmin) return;
    if (this.config.security.production) {
      throw new ConfigError('no admin exists yet and ADMIN_EMAIL/ADMIN_PASSWORD are not set: in production (NODE_ENV=production) set both for the first admin');
    }
    if (this.config.stores.eventStoreUrl !== undefined) {
      this.logger.warn('No admin exists and ADMIN_EMAIL/ADMIN_PASSWORD are not set: nobody can manage users until an instance starts with them');
      return;
    }
    const password = randomBytes(18).toString('base64url');
    if (!(await this.ensureAdmin(GENERATED_ADMIN_EMAIL, password))) {
      this.logger.warn(`No active admin exists and ${GENERATED_ADMIN_EMAIL} is taken by an account that is not one: set ADMIN_EMAIL and ADMIN_PASSWORD for a first admin`);
      return;
    }
    // On the console, once: the password is in no log line and nowhere on disk but its hash.
    process.stderr.write(
      [
        '',
        'orderstream: no admin was configured, so one was created for this data directory (shown this once):',
        `  email:    ${GENERATED_ADMIN_EMAIL}`,
        `  password: ${password}`,
        'Sign in with POST /v1/auth/token, then change the password with PUT /v1/users/me/password',
        '{"currentPassword": "...", "newPassword": "..."}. Set ADMIN_EMAIL and ADMIN_PASSWORD to choose the first admin yourself.',
        '',
      ].join('\n') + '\n',
    );
    this.logger.log({ event: 'admin_generated', email: GENERATED_ADMIN_EMAIL }, 'Created the first admin with a random password (shown once on the console)');
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retry);
  }

  private async attempt(email: string, password: string, attempt: number): Promise<void> {
    try {
      await this.ensureAdmin(email, password);
    } catch (error) {
      const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
      this.logger.error(`Could not register the first admin (${(error as Error).message}); retrying in ${delayMs / 1000} s`);
      this.retry = setTimeout(() => void this.attempt(email, password, attempt + 1), delayMs);
      this.retry.unref();
    }
  }

  /** True when this call registered the account (false: it existed, or another instance registered it). */
  private async ensureAdmin(email: string, password: string): Promise<boolean> {
    const existing = await this.accounts.byEmail(email);
    if (existing.status === 'registered') {
      if (!existing.roles.includes('admin') || existing.disabled) {
        this.logger.warn(`The ADMIN_EMAIL account exists but is not an enabled admin; it is left unchanged (grant the role as another admin)`);
      } else if (!(await this.credentials.has(existing))) {
        // The log names a credential the credential store does not hold: the log was restored
        // without credentials.db. The operator's ADMIN_PASSWORD becomes that credential, so someone
        // can sign in; it never replaces a credential that is there (a changed password stays).
        await this.credentials.restore(existing, password);
        this.logger.warn('The credential store had no password for the ADMIN_EMAIL account (an event log restored without credentials.db?): ADMIN_PASSWORD is its password now. Other accounts without a stored password cannot sign in until it is set again.');
      }
      return false;
    }
    const metadata = {
      commandId: uuidv5(`bootstrap-admin\n${email}`, BOOTSTRAP_NAMESPACE),
      correlationId: `admin-bootstrap-${userIdForEmail(email)}`,
      causationId: 'service-start',
      actor: BOOTSTRAP_ACTOR,
    };
    try {
      await this.commands.execute(new CreateUserCommand({ email, password, roles: ['admin'] }, metadata));
      if (email !== GENERATED_ADMIN_EMAIL) this.logger.log('Registered the first admin from ADMIN_EMAIL');
      return true;
    } catch (error) {
      // Another instance starting at the same moment registered it first.
      if (!(error instanceof DomainError && error.code === 'email_already_registered')) throw error;
      return false;
    }
  }
}
