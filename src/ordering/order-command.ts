// The CommandBus message for ordering commands and the handler they share: load the order
// stream, decide, append.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { orderingDecider, orderStreamId, type OrderCommand } from './ordering.decider.js';

export class OrderCommandMessage extends Command<CommandResult> {
  constructor(
    readonly command: OrderCommand,
    readonly metadata: CommandMetadata,
    readonly ifMatchRevision?: number,
  ) {
    super();
  }
}

@CommandHandler(OrderCommandMessage)
export class OrderCommandHandler implements ICommandHandler<OrderCommandMessage> {
  constructor(private readonly processor: CommandProcessor) {}

  execute({ command, metadata, ifMatchRevision }: OrderCommandMessage): Promise<CommandResult> {
    return this.processor.handle(orderingDecider, {
      streamId: orderStreamId(command.orderId),
      command,
      metadata,
      ...(ifMatchRevision === undefined ? {} : { ifMatchRevision }),
    });
  }
}
