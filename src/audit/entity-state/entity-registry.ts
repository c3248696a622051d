// Which pure domain folds a stream, by its id's prefix: the state of an entity at any moment is
// its context's own `evolve` over its events (upcast to the current shape) up to that moment.
import type { DomainEvent } from '../../decider/decider.js';
import { fulfillmentDecider } from '../../fulfillment/fulfillment.decider.js';
import { inventoryDecider } from '../../inventory/inventory.decider.js';
import { orderingDecider } from '../../ordering/ordering.decider.js';
import { paymentsDecider } from '../../payments/payments.decider.js';
import { shippingDecider } from '../../shipping/shipping.decider.js';
import { usersDecider } from '../../identity/users.decider.js';
import { PARKED_EVENT_STREAM_PREFIX, parkedEventsDecider } from '../../subscriptions/parked-events.decider.js';

export interface EntityFold {
  /** Streams whose id starts with this hold one entity each. */
  prefix: string;
  kind: string;
  initialState: unknown;
  evolve(state: unknown, event: DomainEvent): unknown;
}

const fold = <S, E extends DomainEvent>(prefix: string, kind: string, decider: { initialState: S; evolve(state: S, event: E): S }): EntityFold => ({
  prefix, kind, initialState: decider.initialState, evolve: decider.evolve as EntityFold['evolve'],
});

const ENTITY_FOLDS: readonly EntityFold[] = [
  fold('product-', 'product', inventoryDecider),
  fold('order-', 'order', orderingDecider),
  fold('payment-', 'payment', paymentsDecider),
  fold('shipment-', 'shipment', shippingDecider),
  fold('user-', 'user', usersDecider),
  fold('fulfillment-', 'fulfillment', fulfillmentDecider),
  fold(PARKED_EVENT_STREAM_PREFIX, 'parked event', parkedEventsDecider),
];

export function entityFoldFor(streamId: string): EntityFold | undefined {
  return ENTITY_FOLDS.find((entry) => streamId.startsWith(entry.prefix));
}
