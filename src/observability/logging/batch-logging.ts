// The ids on every line written while a subscriber handles a batch: the subscriber, and the
// correlation and causation of the events (one event: its correlation id, and its event id as the
// cause of whatever the handler does; several: the range and the distinct correlations).
import { Logger } from '@nestjs/common';
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import { withLogContext, type LogFields } from './log-context.js';

type BatchEvent = Pick<RecordedEvent, 'eventId' | 'position' | 'metadata'>;

/** Correlations named on a batch's lines at most (a batch may span thousands of events). */
const MAX_CORRELATIONS = 10;
const logger = new Logger('Subscriptions');

export function batchIds(subscriber: string, events: readonly BatchEvent[]): LogFields {
  const [first] = events;
  if (events.length === 1 && first !== undefined) {
    return {
      subscriber,
      position: String(first.position),
      causationId: first.eventId,
      ...(first.metadata.correlationId === undefined ? {} : { correlationId: first.metadata.correlationId }),
      ...(first.metadata.requestId === undefined ? {} : { requestId: first.metadata.requestId }),
    };
  }
  const correlations = [...new Set(events.map((event) => event.metadata.correlationId).filter((id) => id !== undefined))];
  return {
    subscriber,
    fromPosition: String(first?.position),
    toPosition: String(events.at(-1)?.position),
    correlationIds: correlations.slice(0, MAX_CORRELATIONS),
    causationIds: events.slice(0, MAX_CORRELATIONS).map((event) => event.eventId),
  };
}

/** Handles a subscriber's batch with its ids on every line; a debug line says what it did. */
export async function withBatchLogContext<T>(subscriber: string, events: readonly BatchEvent[], work: () => Promise<T>): Promise<T> {
  // Built when a line is written, not per batch: the correlations read every event's metadata,
  // which a catch-up otherwise never parses (a tenth of a rebuild).
  let ids: LogFields | undefined;
  return withLogContext(() => (ids ??= batchIds(subscriber, events)), async () => {
    const started = performance.now();
    const result = await work();
    logger.debug(`${subscriber} handled ${events.length} event(s) in ${Math.round(performance.now() - started)} ms`);
    return result;
  });
}
