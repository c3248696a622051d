// The CommandBus message for user commands, and its handler: load the user's stream, decide,
// append. (Creating a user and changing a password hash the password first: create-user/ and
// change-password/ have handlers of their own.)
//
// One thing more than the kit's load/decide/append: a command that makes someone an active admin
// or ends it keeps the admin roster (admin-roster/) in step, so "at least one active admin" is
// decided where every admin is seen. The command is first decided on the user's state as read (a
// refusal, or no change, touches no roster); a removal is then released on the roster (which may
// refuse it: last_admin) before the user's event, an admission recorded after it.
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandMessage } from '../command-handling/decider-command-handler.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { Inject, Logger } from '@nestjs/common';
import { AdminRoster, isActiveAdmin } from './admin-roster/admin-roster.js';
import { fold } from '../decider/decider.js';
import { eventOf } from '../command-handling/load-state.js';
import { userStreamId, usersDecider, type UserCommand } from './users.decider.js';

export class UserCommandMessage extends DeciderCommandMessage<UserCommand> {}

@CommandHandler(UserCommandMessage)
export class UserCommandHandler implements ICommandHandler<UserCommandMessage> {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly processor: CommandProcessor,
    private readonly roster: AdminRoster,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ command, metadata, ifMatchRevision }: UserCommandMessage): Promise<CommandResult> {
    const streamId = userStreamId(command.userId);
    const request = { streamId, command, metadata, ...(ifMatchRevision === undefined ? {} : { ifMatchRevision }) };
    if (command.type !== 'GrantRole' && command.type !== 'RevokeRole' && command.type !== 'DisableUser') return this.processor.handle(usersDecider, request);

    const recorded = await this.store.readStream(streamId);
    const before = fold(usersDecider, recorded.map((event) => eventOf(usersDecider, event)));
    const revision = recorded.length - 1;
    // Refusals and no-ops are the user decider's to answer, with the roster untouched.
    const events = usersDecider.decide(command, before);
    const after = events.reduce(usersDecider.evolve, before);
    if (isActiveAdmin(before) && !isActiveAdmin(after)) await this.roster.release(command.userId, revision, metadata);
    const result = await this.processor.handle(usersDecider, request);
    if (!isActiveAdmin(before) && isActiveAdmin(after)) await this.roster.admit(command.userId, result.revision, metadata);
    // A change of who may do what is a security event: logged at info with who did it (the actor is on the line's userId).
    if (events.length > 0) {
      const change = command.type === 'DisableUser' ? { event: 'user_disabled' } : { event: command.type === 'GrantRole' ? 'role_granted' : 'role_revoked', role: command.role };
      this.logger.log({ ...change, targetUserId: command.userId, revision: result.revision }, `${change.event.replace('_', ' ')}`);
    }
    return result;
  }
}
