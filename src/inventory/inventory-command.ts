// The CommandBus message for inventory commands sent over HTTP, and its handler: load the
// product stream, decide, append. (Reservations take turns per product: reservations/.)
import { DeciderCommandMessage, deciderCommandHandler } from '../command-handling/decider-command-handler.js';
import { inventoryDecider, productStreamId, type InventoryCommand } from './inventory.decider.js';

export class InventoryCommandMessage extends DeciderCommandMessage<InventoryCommand> {}

export const InventoryCommandHandler = deciderCommandHandler(InventoryCommandMessage, inventoryDecider, (command) => productStreamId(command.productId));
