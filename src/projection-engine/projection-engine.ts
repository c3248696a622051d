// Applies batches of events to a document projection. The core (project) is pure: given
// the documents as stored and the events, it returns the guarded writes. Replaying an event a
// document has already seen (its position is not newer than the document's _position) is a no-op.
import type { Position, RecordedEvent, RecordedOf } from '../eventstore/event-store.port.js';
import type { DocumentWrite, ReadDocument, ReadStore } from '../readstore/read-store.port.js';
import { EventProcessingError } from '../subscriptions/event-processing-error.js';
import type { BatchProcessor } from '../subscriptions/subscriber.js';
import { projectionCheckpointName, type DocumentProjection, type EventShape } from './projection.js';

export interface ProjectedBatch {
  writes: DocumentWrite[];
  /** The last event of the batch, read or ignored, so the checkpoint keeps up with the log. */
  checkpoint: Position;
}

interface DocumentState {
  doc: ReadDocument | null;
  /** Position of the last event applied (or the stored _position); -1 for none. */
  position: number;
  stored: boolean;
  changed: boolean;
}

export class ProjectionEngine<Event extends EventShape = EventShape> {
  private readonly eventTypes: ReadonlySet<string>;

  constructor(readonly projection: DocumentProjection<ReadDocument, Event>) {
    this.eventTypes = new Set(projection.eventTypes);
  }

  /** Loads the batch's documents in one findByIds call and projects the events onto them. */
  async apply(readStore: Pick<ReadStore, 'findByIds'>, events: readonly RecordedEvent[]): Promise<ProjectedBatch> {
    // Each event's document id is asked of the projection once per batch, for the load and the fold.
    const ids = this.idsOf(events);
    const distinct = distinctIds(ids);
    const stored = distinct.length === 0 ? new Map<string, ReadDocument>() : await readStore.findByIds(this.projection.collection.name, distinct);
    return this.projectOnto(stored, events, ids);
  }

  /** The distinct documents the events belong to, in first-seen order. */
  documentIds(events: readonly RecordedEvent[]): string[] {
    return distinctIds(this.idsOf(events));
  }

  /** Pure: the writes that bring the stored documents up to date with the events. */
  project(stored: ReadonlyMap<string, ReadDocument>, events: readonly RecordedEvent[]): ProjectedBatch {
    return this.projectOnto(stored, events, this.idsOf(events));
  }

  /** For each event, the document it belongs to; undefined for an event the projection does not read or ignores. */
  private idsOf(events: readonly RecordedEvent[]): (string | undefined)[] {
    return events.map((event) => (this.reads(event) ? this.documentIdOf(event) : undefined));
  }

  private projectOnto(stored: ReadonlyMap<string, ReadDocument>, events: readonly RecordedEvent[], ids: readonly (string | undefined)[]): ProjectedBatch {
    const last = events.at(-1);
    if (!last) throw new RangeError('A batch needs at least one event');
    const states = new Map<string, DocumentState>();
    // A stream's events usually arrive together: the previous event's document saves a lookup.
    let recent: DocumentState | undefined;
    let recentId: string | undefined;
    for (let i = 0; i < events.length; i++) {
      const id = ids[i];
      if (id === undefined) continue;
      const event = events[i] as RecordedEvent & RecordedOf<Event>;
      let state = id === recentId ? recent : states.get(id);
      if (!state) {
        const doc = stored.get(id) ?? null;
        states.set(id, (state = { doc, position: doc?._position ?? -1, stored: doc !== null, changed: false }));
      }
      recent = state;
      recentId = id;
      const position = documentPosition(event.position);
      if (position <= state.position) continue; // already applied: at-least-once delivery
      state.doc = stamped(this.evolve(state.doc, event), id, position);
      state.position = position;
      state.changed = true;
    }
    const writes: DocumentWrite[] = [];
    const collection = this.projection.collection.name;
    for (const [id, state] of states) {
      if (!state.changed) continue;
      if (state.doc) writes.push({ op: 'upsert', collection, doc: state.doc });
      else if (state.stored) writes.push({ op: 'delete', collection, id, position: state.position });
    }
    return { writes, checkpoint: last.position };
  }

  /**
   * The one place the read side is narrowed: the projection declares that its evolve reads the
   * types it lists, so an event of a listed type is handed on as one of its own events.
   */
  private reads(event: RecordedEvent): event is RecordedEvent & RecordedOf<Event> {
    return this.eventTypes.has(event.type);
  }

  private documentIdOf(event: RecordedOf<Event>): string | undefined {
    try {
      return this.projection.documentId(event);
    } catch (error) {
      throw new EventProcessingError(this.projection.name, event, error);
    }
  }

  private evolve(current: ReadDocument | null, event: RecordedEvent & RecordedOf<Event>): ReadDocument | null {
    try {
      return this.projection.evolve(current, event);
    } catch (error) {
      throw new EventProcessingError(this.projection.name, event, error);
    }
  }
}

/** What the read store's commit does, for documents held in memory (a replay, a projection spec). */
export function applyWrites(documents: Map<string, ReadDocument>, writes: readonly DocumentWrite[]): void {
  for (const write of writes) {
    if (write.op === 'upsert') documents.set(write.doc._id, write.doc);
    else documents.delete(write.id);
  }
}

/**
 * The document evolve returned, with `_id` and `_position` set. Most projections set both
 * themselves: then evolve's own (new) object is kept, not copied once more for every event, which
 * was most of a rebuild's garbage. Otherwise a copy carries them. The input documents are never
 * changed: evolve returning one of them unchanged has an older `_position`, so it is copied.
 */
function stamped(next: ReadDocument | null, id: string, position: number): ReadDocument | null {
  if (next === null) return null;
  return next._id === id && next._position === position ? next : { ...next, _id: id, _position: position };
}

function distinctIds(ids: readonly (string | undefined)[]): string[] {
  const distinct = new Set<string>();
  for (const id of ids) if (id !== undefined) distinct.add(id);
  return [...distinct];
}

const MAX_DOCUMENT_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

/** Documents keep positions as numbers (JSON, MongoDB); refuse one that a number cannot hold exactly. */
function documentPosition(position: Position): number {
  if (position > MAX_DOCUMENT_POSITION) throw new RangeError(`Position ${position} is beyond what a document can record`);
  return Number(position);
}

/** The engine as the runner drives it: one build of a projection, committed with its checkpoint. */
export function projectionProcessor(projection: DocumentProjection, readStore: ReadStore, checkpointName = projectionCheckpointName(projection)): BatchProcessor {
  const engine = new ProjectionEngine(projection);
  // No store-side filter: the projection sees every event so its checkpoint follows the head,
  // which is what read-your-writes waits on.
  return {
    name: projection.name,
    checkpointName,
    eventTypes: new Set(projection.eventTypes),
    prepare: () => readStore.ensureCollection(projection.collection),
    process: async (events) => (await engine.apply(readStore, events)).writes,
  };
}
