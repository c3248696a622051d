import type { AdjustStock } from '../inventory.decider.js';
import { InventoryCommandMessage, inventoryCommandHandler } from '../inventory-command.js';

export class AdjustStockCommand extends InventoryCommandMessage<AdjustStock> {}

export const AdjustStockHandler = inventoryCommandHandler(AdjustStockCommand);
