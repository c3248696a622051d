// Given/then for projections: given events recorded in streams, then the documents the projection
// holds. The events go through the real engine's pure project() path, batch by batch, so the type
// filter, the idempotency guard (an event not newer than a document's _position changes nothing)
// and deletes work as they do in a served build.
import { expect } from '@jest/globals';
import type { RecordedEvent } from '../../src/eventstore/event-store.port.js';
import type { DocumentProjection, EventShape } from '../../src/projection-engine/projection.js';
import { applyWrites, ProjectionEngine } from '../../src/projection-engine/projection-engine.js';
import type { ReadDocument } from '../../src/readstore/read-store.port.js';

/** An event as a spec gives it: the stream it was appended to, and the event. */
export interface Given<E extends EventShape = EventShape> {
  streamId: string;
  event: E;
}

/** Events appended, in this order, to one stream. */
export function inStream<E extends EventShape>(streamId: string, ...events: E[]): Given<E>[] {
  return events.map((event) => ({ streamId, event }));
}

/** When the event at `position` occurred (and was recorded): one second apart, from a fixed start. */
export function occurredAt(position: number): string {
  return new Date(Date.UTC(2026, 11, 1, 10, 0, 0) + position * 1000).toISOString();
}

export const CORRELATION_ID = 'correlation-1';

/**
 * The envelopes a store would give the events: positions 1, 2, ... in the order given,
 * revisions 0, 1, ... per stream, event `event-<position>` caused by `cause-<position>`.
 */
export function record(history: readonly Given[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return history.map(({ streamId, event }, index) => {
    const position = index + 1;
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return {
      streamId, revision, position: BigInt(position), eventId: `event-${position}`, type: event.type, schemaVersion: 1, data: event.data,
      recordedAt: occurredAt(position),
      metadata: {
        actor: { userId: 'user-1', roles: ['staff'] }, commandId: `command-${position}`, commandType: 'Spec',
        correlationId: CORRELATION_ID, causationId: `cause-${position}`, occurredAt: occurredAt(position), prevHash: '0', hash: '0',
      },
    };
  });
}

/** The documents after the batches are delivered one after another, sorted by id. */
export function documentsAfter(projection: DocumentProjection, batches: readonly (readonly RecordedEvent[])[]): ReadDocument[] {
  const engine = new ProjectionEngine(projection);
  const documents = new Map<string, ReadDocument>();
  for (const batch of batches) if (batch.length > 0) applyWrites(documents, engine.project(documents, batch).writes);
  return byId([...documents.values()]);
}

const byId = <D extends ReadDocument>(documents: D[]): D[] => [...documents].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));

export function projectionSpec<D extends ReadDocument, E extends EventShape>(projection: DocumentProjection<D, E>) {
  return {
    /** Any events: those of types the projection does not read pass it by, as in the log. */
    given(...history: Given[]) {
      const events = record(history);
      const once = () => documentsAfter(projection, [events]);
      return {
        /** Exactly these documents, whatever order they are listed in. */
        then(...expected: D[]) {
          expect(once()).toEqual(byId(expected));
        },
        thenNothing() {
          expect(once()).toEqual([]);
        },
        /** At-least-once delivery: the same events again, after the first delivery, change nothing. */
        thenSameWhenAppliedTwice() {
          const first = once();
          expect(first.length).toBeGreaterThan(0);
          expect(documentsAfter(projection, [events, events])).toEqual(first);
          expect(documentsAfter(projection, events.map((event) => [event, event]))).toEqual(first);
        },
      };
    },
  };
}
