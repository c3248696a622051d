import type { ReceiveStock } from '../inventory.decider.js';
import { InventoryCommandMessage, inventoryCommandHandler } from '../inventory-command.js';

export class ReceiveStockCommand extends InventoryCommandMessage<ReceiveStock> {}

export const ReceiveStockHandler = inventoryCommandHandler(ReceiveStockCommand);
