// Staff's dispatch and delivery continue the order's story: their events join the correlation the
// shipment was created in (the order's, which the saga carried), caused by the shipment's latest
// event, so an order's causation tree has one root (the placing request) and no orphan branches.
// Who acted, and from which request, stay on the events (actor, requestId).
import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { shipmentStreamId } from './shipping.decider.js';

@Injectable()
export class ShipmentCorrelation {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** `metadata` moved into the shipment's correlation; unchanged for a shipment that does not exist (the decider says so). */
  async continueFor(shipmentId: string, metadata: CommandMetadata): Promise<CommandMetadata> {
    const events = await this.store.readStream(shipmentStreamId(shipmentId));
    const [created] = events;
    const latest = events.at(-1);
    if (created === undefined || latest === undefined) return metadata;
    return { ...metadata, correlationId: created.metadata.correlationId, causationId: latest.eventId, requestId: metadata.requestId ?? metadata.causationId };
  }
}
