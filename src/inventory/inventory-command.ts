// The CommandBus messages that carry inventory commands and their metadata, and the handler
// they share: every inventory command is "load the product stream, decide, append".
import type { Type } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { inventoryDecider, productStreamId, type InventoryCommand } from './inventory.decider.js';

export abstract class InventoryCommandMessage<C extends InventoryCommand> extends Command<CommandResult> {
  constructor(
    readonly command: C,
    readonly metadata: CommandMetadata,
    readonly ifMatchRevision?: number,
  ) {
    super();
  }
}

export function inventoryCommandHandler<M extends InventoryCommandMessage<InventoryCommand>>(message: Type<M>) {
  @CommandHandler(message)
  class InventoryCommandHandler implements ICommandHandler<InventoryCommandMessage<InventoryCommand>> {
    constructor(readonly processor: CommandProcessor) {}

    execute({ command, metadata, ifMatchRevision }: InventoryCommandMessage<InventoryCommand>): Promise<CommandResult> {
      return this.processor.handle(inventoryDecider, {
        streamId: productStreamId(command.productId),
        command,
        metadata,
        ...(ifMatchRevision === undefined ? {} : { ifMatchRevision }),
      });
    }
  }
  return InventoryCommandHandler;
}
