// Who asked for a command, and how it relates to what came before: copied into every event's
// metadata so an auditor can trace each event to its request and cause.
import type { Actor } from '../eventstore/event-store.port.js';

export interface CommandMetadata {
  commandId: string;
  correlationId: string;
  causationId: string;
  requestId?: string;
  actor: Actor;
}
