// Reserve, release and commit (ship) stock for an order. Sent by the order fulfillment saga,
// never over HTTP. Commands for one product take turns in process (see KeyedSerializer): a
// popular product gets many reservations at once, and each would otherwise lose races.
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandMessage } from '../../command-handling/decider-command-handler.js';
import { CommandProcessor, type CommandResult } from '../../command-handling/command-processor.js';
import { KeyedSerializer } from '../../scheduling/keyed-serializer.js';
import { inventoryDecider, productStreamId, type ReservationCommand } from '../inventory.decider.js';

export class ReservationCommandMessage extends DeciderCommandMessage<ReservationCommand> {}

@CommandHandler(ReservationCommandMessage)
export class ReservationHandler implements ICommandHandler<ReservationCommandMessage> {
  private readonly turns = new KeyedSerializer();

  constructor(private readonly processor: CommandProcessor) {}

  execute({ command, metadata }: ReservationCommandMessage): Promise<CommandResult> {
    const streamId = productStreamId(command.productId);
    return this.turns.run(streamId, () => this.processor.handle(inventoryDecider, { streamId, command, metadata }));
  }
}
