// Place an order: look the products up in the catalogue (the product-details read model), then
// decide with what it said, so the prices at this moment are recorded in OrderPlaced.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { productDetailsProjection, type ProductDetails } from '../../../projections/product-details/product-details.projection.js';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor, type CommandResult } from '../../command-handling/command-processor.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import { paymentIdFor, shipmentIdFor } from '../order-ids.js';
import { orderingDecider, orderStreamId, type CatalogueEntry, type PlaceOrder, type ShippingAddress } from '../ordering.decider.js';

export interface PlaceOrderRequest {
  orderId: string;
  customerId: string;
  lines: { productId: string; quantity: number }[];
  paymentToken: string;
  shippingAddress: ShippingAddress;
}

export class PlaceOrderCommand extends Command<CommandResult> {
  constructor(
    readonly request: PlaceOrderRequest,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    private readonly processor: CommandProcessor,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async execute({ request, metadata }: PlaceOrderCommand): Promise<CommandResult> {
    const ids = [...new Set(request.lines.map((line) => line.productId))];
    const found = await this.readStore.findByIds<ProductDetails>(productDetailsProjection.collection.name, ids);
    const catalogue: Record<string, CatalogueEntry> = {};
    for (const id of ids) {
      const product = found.get(id);
      catalogue[id] = product ? { sku: product.sku, name: product.name, price: product.price } : null;
    }
    const command: PlaceOrder = {
      type: 'PlaceOrder', ...request, catalogue,
      paymentId: paymentIdFor(request.orderId), shipmentId: shipmentIdFor(request.orderId),
    };
    return this.processor.handle(orderingDecider, { streamId: orderStreamId(request.orderId), command, metadata });
  }
}
