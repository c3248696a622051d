// The CommandBus message for shipping commands, and its handler: load the shipment stream,
// decide, append. (Staff dispatch lets the order decide first: dispatch-shipment/.)
import { DeciderCommandMessage, deciderCommandHandler } from '../command-handling/decider-command-handler.js';
import { shipmentStreamId, shippingDecider, type ShippingCommand } from './shipping.decider.js';

export class ShipmentCommandMessage extends DeciderCommandMessage<ShippingCommand> {}

export const ShipmentCommandHandler = deciderCommandHandler(ShipmentCommandMessage, shippingDecider, (command) => shipmentStreamId(command.shipmentId));
