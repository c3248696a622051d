// Create an account: the user id is derived from the normalized email (user-id.ts), so two
// registrations of one email meet on one stream and exactly one wins; the password is hashed
// here, outside the domain, and only its hash is recorded. Used by admins (any roles), by
// self-registration (a customer) and by the first-admin bootstrap.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor, type IdentifiedCommandResult } from '../../command-handling/command-processor.js';
import type { Role } from '../../access/roles.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
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
    private readonly hasher: PasswordHasher,
  ) {}

  async execute({ account, metadata }: CreateUserCommand): Promise<IdentifiedCommandResult> {
    // An email that does not normalize is passed on as given: the decider refuses it (invalid_email).
    const email = normalizeEmail(account.email) ?? account.email;
    const userId = userIdForEmail(email);
    const passwordHash = await this.hasher.hash(account.password);
    const command = { type: 'RegisterUser' as const, userId, email, roles: account.roles, passwordHash };
    return { id: userId, ...(await this.processor.handle(usersDecider, { streamId: userStreamId(userId), command, metadata })) };
  }
}
