// Place an order: derive its ids, look the products up in the catalogue (the product-details
// read model), then decide with what it said, so the prices at this moment are recorded in
// OrderPlaced. The order id derives from the command id, so a retried POST with the same
// Idempotency-Key places the same order. The payment token is held apart from the log before the
// append (payments/payment-tokens), so the authorization worker finds it as soon as it can act.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { productDetailsProjection, type ProductDetails } from '../../../projections/product-details/product-details.projection.js';
import { actorKey } from '../../access/ownership.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandProcessor, type IdentifiedCommandResult } from '../../command-handling/command-processor.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import { PaymentTokens } from '../../payments/payment-tokens/payment-tokens.js';
import { orderIdFor, paymentIdFor, shipmentIdFor } from '../order-ids.js';
import { orderingDecider, orderStreamId, type CatalogueEntry, type PlaceOrder } from '../ordering.decider.js';

type PlaceOrderRequest = Pick<PlaceOrder, 'lines' | 'paymentToken' | 'shippingAddress'>;

export class PlaceOrderCommand extends Command<IdentifiedCommandResult> {
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly paymentTokens: PaymentTokens,
  ) {}

  async execute({ request, metadata }: PlaceOrderCommand): Promise<IdentifiedCommandResult> {
    const orderId = orderIdFor(metadata.commandId);
    const command: PlaceOrder = {
      type: 'PlaceOrder', orderId, customerId: actorKey(metadata.actor), ...request, maxLineQuantity: this.config.ordering.maxLineQuantity,
      catalogue: await this.catalogueOf(request.lines),
      paymentId: paymentIdFor(orderId), shipmentId: shipmentIdFor(orderId),
    };
    // Decided once before holding the token, so a refused order (a bad token among them) holds nothing.
    orderingDecider.decide(command, orderingDecider.initialState);
    await this.paymentTokens.hold(command.paymentId, command.paymentToken);
    return { id: orderId, ...(await this.processor.handle(orderingDecider, { streamId: orderStreamId(orderId), command, metadata })) };
  }

  private async catalogueOf(lines: PlaceOrderRequest['lines']): Promise<Record<string, CatalogueEntry>> {
    const ids = [...new Set(lines.map((line) => line.productId))];
    const found = await this.readStore.findByIds<ProductDetails>(productDetailsProjection.collection.name, ids);
    const catalogue: Record<string, CatalogueEntry> = {};
    for (const id of ids) {
      const product = found.get(id);
      catalogue[id] = product ? { sku: product.sku, name: product.name, price: product.price } : null;
    }
    return catalogue;
  }
}
