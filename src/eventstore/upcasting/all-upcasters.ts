// Every event type's evolution, from all bounded contexts. A new upcaster is added here.
import { inventoryUpcasters } from '../../inventory/inventory.upcasters.js';
import { UpcasterChain } from './upcaster.js';

export const allUpcasters = new UpcasterChain([...inventoryUpcasters]);
