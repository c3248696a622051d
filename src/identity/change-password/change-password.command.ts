// A signed-in user changes their own password: the current one must match (so a stolen token
// alone cannot lock the owner out), then the new one is hashed and only its hash recorded.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor, type IdentifiedCommandResult } from '../../command-handling/command-processor.js';
import { ProblemException } from '../../http/problem.js';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { Inject } from '@nestjs/common';
import { AccountCredentials } from '../passwords/account-credentials.js';
import { UserAccounts } from '../user-accounts.js';
import { userStreamId, usersDecider } from '../users.decider.js';

export class ChangePasswordCommand extends Command<IdentifiedCommandResult> {
  constructor(
    readonly passwords: { currentPassword: string; newPassword: string },
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly accounts: UserAccounts,
    private readonly credentials: AccountCredentials,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ passwords, metadata }: ChangePasswordCommand): Promise<IdentifiedCommandResult> {
    const { actor } = metadata;
    const user = 'userId' in actor ? await this.accounts.byId(actor.userId) : undefined;
    if (user?.status !== 'registered' || !(await this.credentials.verify(user, passwords.currentPassword))) {
      throw new ProblemException(403, 'wrong_current_password', 'The current password is not correct');
    }
    const credentialId = await this.credentials.store(user.userId, passwords.newPassword, metadata.commandId);
    const command = { type: 'ChangePassword' as const, userId: user.userId, credentialId, changedAt: this.clock.now().toISOString() };
    const result = await this.processor.handle(usersDecider, { streamId: userStreamId(user.userId), command, metadata });
    // Only once the log names the new credential is the old one forgotten (a crash before this
    // leaves it for the start-up sweep).
    await this.credentials.retire(user.userId, credentialId);
    return { id: user.userId, ...result };
  }
}
