import type { ChangePrice } from '../inventory.decider.js';
import { InventoryCommandMessage, inventoryCommandHandler } from '../inventory-command.js';

export class ChangePriceCommand extends InventoryCommandMessage<ChangePrice> {}

export const ChangePriceHandler = inventoryCommandHandler(ChangePriceCommand);
