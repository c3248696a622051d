// The envelope of DESIGN.md, assembled in one place for every writer: the command processor
// (the events a decider decided) and the recorders that do not decide (audit reads, anchors).
// Event ids derive from the command id, so a command sent again appends nothing new.
import type { DomainEvent } from '../decider/decider.js';
import type { NewEvent } from '../eventstore/event-store.port.js';
import type { CommandMetadata } from './command-metadata.js';
import { eventIdFor } from './event-id.js';
import { currentTraceparent } from '../observability/tracing.js';

export interface EnvelopeContext {
  /** The command that recorded the events, as auditors read it (e.g. ReceiveStock). */
  commandType: string;
  metadata: CommandMetadata;
  /** When the command was handled, from the injectable clock (never the store's). */
  occurredAt: Date;
}

export function envelopeEvents(events: readonly DomainEvent[], { commandType, metadata, occurredAt }: EnvelopeContext): NewEvent[] {
  const { commandId, correlationId, causationId, requestId, actor } = metadata;
  const traceparent = currentTraceparent();
  return events.map((event, index) => ({
    eventId: eventIdFor(commandId, index),
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    data: event.data,
    metadata: {
      actor, commandId, commandType, correlationId, causationId, occurredAt: occurredAt.toISOString(),
      // Left out when absent: a key holding undefined would not survive the JSON round trip.
      ...(requestId === undefined ? {} : { requestId }),
      ...(traceparent === undefined ? {} : { traceparent }),
    },
  }));
}
