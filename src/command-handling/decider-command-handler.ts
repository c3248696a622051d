// The command-handler kit: a bounded context whose use cases are "load the stream, fold it,
// decide, append" declares one CommandBus message and gets its handler from this factory.
// Use cases that do more (a lookup, a processor call, taking turns) write their own handler
// and still end in CommandProcessor.handle.
import type { Type } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Decider, DomainEvent } from '../decider/decider.js';
import type { CommandMetadata } from './command-metadata.js';
import { CommandProcessor, type CommandResult } from './command-processor.js';

/** A context's command with who asks for it, and the revision the client last saw (If-Match). */
export abstract class DeciderCommandMessage<C extends { type: string }> extends Command<CommandResult> {
  constructor(
    readonly command: C,
    readonly metadata: CommandMetadata,
    readonly ifMatchRevision?: number,
  ) {
    super();
  }
}

/** The @CommandHandler of `message`: decides with `decider` on the stream `streamIdOf` names. */
export function deciderCommandHandler<C extends { type: string }, E extends DomainEvent, S>(
  message: Type<DeciderCommandMessage<C>>,
  decider: Decider<C, E, S>,
  streamIdOf: (command: C) => string,
) {
  @CommandHandler(message)
  class DeciderCommandHandler implements ICommandHandler<DeciderCommandMessage<C>> {
    constructor(private readonly processor: CommandProcessor) {}

    execute({ command, metadata, ifMatchRevision }: DeciderCommandMessage<C>): Promise<CommandResult> {
      return this.processor.handle(decider, {
        streamId: streamIdOf(command),
        command,
        metadata,
        ...(ifMatchRevision === undefined ? {} : { ifMatchRevision }),
      });
    }
  }
  return DeciderCommandHandler;
}
