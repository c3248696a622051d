// Create an account: the user id is derived from the normalized email (user-id.ts), so two
// registrations of one email meet on one stream and exactly one wins; the password is hashed
// here, outside the domain, and stored in the credential store; the log records only its id. Used by admins (any roles), by
// self-registration (a customer) and by the first-admin bootstrap.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor, type IdentifiedCommandResult } from '../../command-handling/command-processor.js';
import type { Role } from '../../access/roles.js';
import { DomainError } from '../../decider/domain-error.js';
import { AccountCredentials } from '../passwords/account-credentials.js';
import { UserAccounts } from '../user-accounts.js';
import { AdminRoster } from '../admin-roster/admin-roster.js';
import { userIdForEmail } from '../user-id.js';
import { normalizeEmail, userStreamId, usersDecider } from '../users.decider.js';

export class CreateUserCommand extends Command<IdentifiedCommandResult> {
  constructor(
    readonly account: { email: string; password: string; roles: Role[] },
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly credentials: AccountCredentials,
    private readonly accounts: UserAccounts,
    private readonly roster: AdminRoster,
  ) {}

  async execute({ account, metadata }: CreateUserCommand): Promise<IdentifiedCommandResult> {
    // An email that does not normalize is passed on as given: the decider refuses it (invalid_email).
    const email = normalizeEmail(account.email) ?? account.email;
    const userId = userIdForEmail(email);
    // A taken email is refused before the costly hash, so repeating a registration costs no hasher
    // time (the decider still decides: two racing registrations meet on "no stream").
    if ((await this.accounts.byId(userId)).status === 'registered') {
      throw new DomainError('conflict', 'email_already_registered', 'This email is already registered');
    }
    const credentialId = await this.credentials.store(userId, account.password, metadata.commandId);
    const command = { type: 'RegisterUser' as const, userId, email, roles: account.roles, credentialId };
    const result = await this.processor.handle(usersDecider, { streamId: userStreamId(userId), command, metadata });
    // An admin is counted by the admin roster once their account exists (admin-roster/).
    if (account.roles.includes('admin')) await this.roster.admit(userId, result.revision, metadata);
    return { id: userId, ...result };
  }
}
