// Register a product: its id is derived from the SKU (product-id.ts), so registering a SKU twice
// targets one stream and "no stream" lets exactly one registration win.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor, type IdentifiedCommandResult } from '../../command-handling/command-processor.js';
import type { Money } from '../../money/money.js';
import { inventoryDecider, productStreamId } from '../inventory.decider.js';
import { productIdForSku } from '../product-id.js';

export class RegisterProductCommand extends Command<IdentifiedCommandResult> {
  constructor(
    readonly product: { sku: string; name: string; price: Money },
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(RegisterProductCommand)
export class RegisterProductHandler implements ICommandHandler<RegisterProductCommand> {
  constructor(private readonly processor: CommandProcessor) {}

  async execute({ product: { sku, name, price }, metadata }: RegisterProductCommand): Promise<IdentifiedCommandResult> {
    const productId = productIdForSku(sku);
    const command = { type: 'RegisterProduct' as const, productId, sku, name, price };
    return { id: productId, ...(await this.processor.handle(inventoryDecider, { streamId: productStreamId(productId), command, metadata })) };
  }
}
