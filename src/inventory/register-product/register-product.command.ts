import type { RegisterProduct } from '../inventory.decider.js';
import { InventoryCommandMessage, inventoryCommandHandler } from '../inventory-command.js';

export class RegisterProductCommand extends InventoryCommandMessage<RegisterProduct> {}

export const RegisterProductHandler = inventoryCommandHandler(RegisterProductCommand);
