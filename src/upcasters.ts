// Part of the composition root: every event type's evolution, from all bounded contexts, handed
// to the event store module (and to the CLI's local stores). A new upcaster is added here.
import { UpcasterChain } from './eventstore/upcasting/upcaster.js';
import { fulfillmentUpcasters } from './fulfillment/fulfillment.upcasters.js';
import { inventoryUpcasters } from './inventory/inventory.upcasters.js';
import { usersUpcasters } from './identity/users.upcasters.js';
import { orderingUpcasters } from './ordering/ordering.upcasters.js';
import { paymentsUpcasters } from './payments/payments.upcasters.js';

export const allUpcasters = new UpcasterChain([...inventoryUpcasters, ...usersUpcasters, ...orderingUpcasters, ...paymentsUpcasters, ...fulfillmentUpcasters]);
