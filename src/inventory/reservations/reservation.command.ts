// Reserve, release and commit (ship) stock for an order. Sent by the order fulfillment saga,
// never over HTTP. Commands for one product take turns in process (see KeyedSerializer): a
// popular product gets many reservations at once, and each would otherwise lose races. The ones
// that arrive while the product's turn is taken wait together and go in the next turn as one
// group (CommandProcessor.handleTogether): one append and one fsync for all of them, where each
// alone would wait for an fsync of its own before the next could begin.
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeciderCommandMessage } from '../../command-handling/decider-command-handler.js';
import { CommandProcessor, type CommandResult } from '../../command-handling/command-processor.js';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { KeyedSerializer } from '../../scheduling/keyed-serializer.js';
import { inventoryDecider, productStreamId, type ReservationCommand } from '../inventory.decider.js';

export class ReservationCommandMessage extends DeciderCommandMessage<ReservationCommand> {}

interface Waiting {
  command: ReservationCommand;
  metadata: CommandMetadata;
  answered(result: CommandResult): void;
  refused(error: unknown): void;
}

@CommandHandler(ReservationCommandMessage)
export class ReservationHandler implements ICommandHandler<ReservationCommandMessage> {
  private readonly turns = new KeyedSerializer();
  /** Per product stream: the commands waiting for its next turn. */
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(private readonly processor: CommandProcessor) {}

  execute({ command, metadata }: ReservationCommandMessage): Promise<CommandResult> {
    const streamId = productStreamId(command.productId);
    return new Promise((answered, refused) => {
      const group = this.waiting.get(streamId);
      if (group) {
        group.push({ command, metadata, answered, refused });
        return;
      }
      this.waiting.set(streamId, [{ command, metadata, answered, refused }]);
      void this.turns.run(streamId, () => this.handleGroup(streamId));
    });
  }

  /** The product's turn: every command that waited for it, together. */
  private async handleGroup(streamId: string): Promise<void> {
    const group = this.waiting.get(streamId) ?? [];
    this.waiting.delete(streamId);
    try {
      const outcomes = await this.processor.handleTogether(inventoryDecider, streamId, group);
      outcomes.forEach((outcome, index) => (outcome.ok ? group[index]!.answered(outcome.result) : group[index]!.refused(outcome.error)));
    } catch (error) {
      for (const waiting of group) waiting.refused(error);
    }
  }
}
