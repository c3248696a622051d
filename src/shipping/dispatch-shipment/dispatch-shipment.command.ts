// Staff dispatch a shipment with a tracking number. The order decides first (MarkOrderShipped):
// the order stream is where a dispatch and a customer's cancellation meet, so exactly one of them
// wins. Then the shipment records the dispatch. A crash between the two is repaired by the order
// saga, which dispatches the shipment of a shipped order (idempotently) and commits the stock.
import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import type { CommandResult } from '../../command-handling/command-processor.js';
import { loadState } from '../../command-handling/load-state.js';
import { DomainError } from '../../decider/domain-error.js';
import { EVENT_STORE, type EventStore } from '../../eventstore/event-store.port.js';
import { OrderCommandMessage } from '../../ordering/order-command.js';
import { ShipmentCommandMessage } from '../shipment-command.js';
import { ShipmentCorrelation } from '../shipment-correlation.js';
import { shipmentStreamId, shippingDecider } from '../shipping.decider.js';

const STEP_NAMESPACE = 'e8a1c4f2-5d37-4b96-9c0a-1f6e2d8b7a43';

export class DispatchShipmentCommand extends Command<CommandResult> {
  constructor(
    readonly shipmentId: string,
    readonly trackingNumber: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

@CommandHandler(DispatchShipmentCommand)
export class DispatchShipmentHandler implements ICommandHandler<DispatchShipmentCommand> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly correlation: ShipmentCorrelation,
  ) {}

  async execute({ shipmentId, trackingNumber, metadata: requested }: DispatchShipmentCommand): Promise<CommandResult> {
    const metadata = await this.correlation.continueFor(shipmentId, requested);
    const shipment = await loadState(this.store, shippingDecider, shipmentStreamId(shipmentId));
    if (shipment.status === 'none') throw new DomainError('not_found', 'shipment_not_found', `Shipment ${shipmentId} does not exist`);
    if (shipment.status === 'cancelled') throw new DomainError('conflict', 'shipment_cancelled', `Shipment ${shipmentId} is cancelled`);
    await this.commands.execute(new OrderCommandMessage({ type: 'MarkOrderShipped', orderId: shipment.orderId, shipmentId, trackingNumber }, metadata));
    const step = { ...metadata, commandId: uuidv5(`${metadata.commandId}/shipment`, STEP_NAMESPACE) };
    return this.commands.execute(new ShipmentCommandMessage({ type: 'DispatchShipment', shipmentId, trackingNumber }, step));
  }
}
