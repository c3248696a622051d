// The CommandBus message for shipping commands and the handler they share.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { CommandProcessor, type CommandResult } from '../command-handling/command-processor.js';
import { shipmentStreamId, shippingDecider, type ShippingCommand } from './shipping.decider.js';

export class ShipmentCommandMessage extends Command<CommandResult> {
  constructor(
    readonly command: ShippingCommand,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(ShipmentCommandMessage)
export class ShipmentCommandHandler implements ICommandHandler<ShipmentCommandMessage> {
  constructor(private readonly processor: CommandProcessor) {}

  execute({ command, metadata }: ShipmentCommandMessage): Promise<CommandResult> {
    return this.processor.handle(shippingDecider, { streamId: shipmentStreamId(command.shipmentId), command, metadata });
  }
}
