// The CommandBus messages that carry user commands and their metadata, and the handler they
// share: every user command is "load the user's stream, decide, append".
import type { Type } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { userStreamId, usersDecider, type UserCommand } from './users.decider.js';

export abstract class UserCommandMessage<C extends UserCommand> extends Command<CommandResult> {
  constructor(
    readonly command: C,
    readonly metadata: CommandMetadata,
    readonly ifMatchRevision?: number,
  ) {
    super();
  }
}

export function userCommandHandler<M extends UserCommandMessage<UserCommand>>(message: Type<M>) {
  @CommandHandler(message)
  class UserCommandHandler implements ICommandHandler<UserCommandMessage<UserCommand>> {
    constructor(readonly processor: CommandProcessor) {}

    execute({ command, metadata, ifMatchRevision }: UserCommandMessage<UserCommand>): Promise<CommandResult> {
      return this.processor.handle(usersDecider, {
        streamId: userStreamId(command.userId),
        command,
        metadata,
        ...(ifMatchRevision === undefined ? {} : { ifMatchRevision }),
      });
    }
  }
  return UserCommandHandler;
}
