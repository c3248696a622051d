// Test fixture shared by the subscription specs: a small projection of shopping carts whose
// documents count the events applied to them, so a double application shows.
import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../eventstore/event-store.port.js';
import type { ReadDocument } from '../readstore/read-store.port.js';
import type { DocumentProjection } from './projection.js';

export type CartEventType = 'CartOpened' | 'ItemAdded' | 'CartAbandoned' | 'CouponIssued';

export interface CartData {
  cartId: string;
  sku?: string;
  quantity?: number;
}

export interface Cart extends ReadDocument {
  items: Record<string, number>;
  /** How many events this document has absorbed. */
  applied: number;
}

/** `throwOn` lets a test make chosen events poison. */
export function cartProjection(options: { name?: string; throwOn?: (event: RecordedEvent) => boolean } = {}): DocumentProjection<Cart> {
  const name = options.name ?? 'carts';
  return {
    name,
    version: 1,
    collection: { name: `${name}_v1`, indexes: [{ fields: { applied: 1 } }] },
    // CouponIssued is in the log but not read: it must still move the checkpoint.
    eventTypes: ['CartOpened', 'ItemAdded', 'CartAbandoned'],
    documentId: (event) => (event.data as CartData).cartId,
    evolve(current, event) {
      if (options.throwOn?.(event)) throw new Error(`cannot project event ${event.eventId}`);
      const data = event.data as CartData;
      const cart: Cart = current ?? { _id: data.cartId, _position: 0, items: {}, applied: 0 };
      switch (event.type) {
        case 'CartOpened':
          return { ...cart, applied: cart.applied + 1 };
        case 'ItemAdded':
          return { ...cart, applied: cart.applied + 1, items: { ...cart.items, [data.sku!]: (cart.items[data.sku!] ?? 0) + data.quantity! } };
        case 'CartAbandoned':
          return null;
        default:
          throw new Error(`unexpected event type ${event.type}`);
      }
    },
  };
}

export function cartEvent(type: CartEventType, data: CartData, eventId: string = randomUUID()): NewEvent {
  return {
    eventId,
    type,
    data,
    metadata: {
      actor: { system: 'test' },
      commandId: eventId,
      commandType: 'Test',
      correlationId: eventId,
      causationId: eventId,
      occurredAt: '2026-11-22T10:00:00.000Z',
    },
  };
}

/** A recorded event as a store would deliver it, for tests without a store. */
export function recordedCartEvent(position: number, type: CartEventType, data: CartData): RecordedEvent {
  const eventId = `event-${position}`;
  return {
    ...cartEvent(type, data, eventId),
    streamId: `cart-${data.cartId}`,
    revision: 0,
    position: BigInt(position),
    schemaVersion: 1,
    recordedAt: '2026-11-22T10:00:00.000Z',
    metadata: { ...cartEvent(type, data, eventId).metadata, prevHash: '0', hash: '0' },
  };
}

/** The reference the engine is checked against: each document folded straight through evolve, event by event. */
export function straightFold(projection: DocumentProjection<Cart>, events: readonly RecordedEvent[]): Map<string, ReadDocument> {
  const docs = new Map<string, ReadDocument>();
  for (const event of events) {
    if (!projection.eventTypes.includes(event.type)) continue;
    const id = projection.documentId(event)!;
    const next = projection.evolve((docs.get(id) as Cart | undefined) ?? null, event);
    if (next) docs.set(id, { ...next, _id: id, _position: Number(event.position) });
    else docs.delete(id);
  }
  return docs;
}
