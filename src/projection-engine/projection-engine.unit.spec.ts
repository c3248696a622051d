import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '../eventstore/event-store.port.js';
import type { DocumentWrite, ReadDocument, ReadStore } from '../readstore/read-store.port.js';
import { cartProjection, recordedCartEvent as at, straightFold, type Cart, type CartEventType } from './cart-projection.test-fixture.js';
import { EventProcessingError } from '../subscriptions/event-processing-error.js';
import { ProjectionEngine } from './projection-engine.js';
import type { DocumentProjection, EventShape } from './projection.js';

const projection = cartProjection();
const engine = new ProjectionEngine(projection);
const COLLECTION = projection.collection.name;

/** The port's guarded-write rule, applied to a plain map: what any ReadStore must do. */
function applyGuarded(docs: Map<string, ReadDocument>, writes: readonly DocumentWrite[]): void {
  for (const write of writes) {
    const id = write.op === 'upsert' ? write.doc._id : write.id;
    const current = docs.get(id);
    if (write.op === 'upsert') {
      if (!current || current._position < write.doc._position) docs.set(id, structuredClone(write.doc));
    } else if (current && current._position < write.position) {
      docs.delete(id);
    }
  }
}


describe('ProjectionEngine', () => {
  it('writes one document per id, with _id and _position set from the last event applied', () => {
    const events = [
      at(1, 'CartOpened', { cartId: 'a' }),
      at(2, 'CartOpened', { cartId: 'b' }),
      at(3, 'ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 2 }),
      at(4, 'ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 }),
    ];
    const { writes, checkpoint } = engine.project(new Map(), events);
    expect(checkpoint).toBe(4n);
    expect(writes).toEqual([
      { op: 'upsert', collection: COLLECTION, doc: { _id: 'a', _position: 4, items: { MUG: 3 }, applied: 3 } },
      { op: 'upsert', collection: COLLECTION, doc: { _id: 'b', _position: 2, items: {}, applied: 1 } },
    ]);
  });

  it('skips events not newer than the stored document', () => {
    const stored = new Map([['a', { _id: 'a', _position: 3, items: { MUG: 2 }, applied: 2 }]]);
    const events = [
      at(2, 'CartOpened', { cartId: 'a' }),
      at(3, 'ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 2 }),
      at(5, 'ItemAdded', { cartId: 'a', sku: 'CUP', quantity: 1 }),
    ];
    expect(engine.project(stored, events).writes).toEqual([
      { op: 'upsert', collection: COLLECTION, doc: { _id: 'a', _position: 5, items: { MUG: 2, CUP: 1 }, applied: 3 } },
    ]);
    expect(engine.project(stored, events.slice(0, 2)).writes).toEqual([]);
  });

  it('deletes a stored document that evolve ends, and writes nothing for one that never was stored', () => {
    const stored = new Map([['a', { _id: 'a', _position: 1, items: {}, applied: 1 }]]);
    const events = [at(2, 'CartAbandoned', { cartId: 'a' }), at(3, 'CartOpened', { cartId: 'b' }), at(4, 'CartAbandoned', { cartId: 'b' })];
    expect(engine.project(stored, events).writes).toEqual([{ op: 'delete', collection: COLLECTION, id: 'a', position: 2 }]);
  });

  it('moves the checkpoint over events the projection does not read', () => {
    const events = [at(7, 'CartOpened', { cartId: 'a' }), at(8, 'CouponIssued', { cartId: 'a' })];
    const { writes, checkpoint } = engine.project(new Map(), events);
    expect(checkpoint).toBe(8n);
    expect(writes).toEqual([{ op: 'upsert', collection: COLLECTION, doc: { _id: 'a', _position: 7, items: {}, applied: 1 } }]);
    expect(engine.project(new Map(), [at(9, 'CouponIssued', { cartId: 'a' })])).toEqual({ writes: [], checkpoint: 9n });
  });

  it('loads the documents of a batch with one findByIds call', async () => {
    const calls: string[][] = [];
    const readStore: Pick<ReadStore, 'findByIds'> = {
      findByIds: async <T extends ReadDocument>(collection: string, ids: string[]) => {
        calls.push([collection, ...ids]);
        return new Map([['a', { _id: 'a', _position: 1, items: {}, applied: 1 } as ReadDocument as T]]);
      },
    };
    const events = [at(2, 'ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 }), at(3, 'CartOpened', { cartId: 'b' }), at(4, 'CouponIssued', { cartId: 'c' })];
    const { writes } = await engine.apply(readStore, events);
    expect(calls).toEqual([[COLLECTION, 'a', 'b']]);
    expect(writes.map((write) => write.op === 'upsert' && [write.doc._id, write.doc.applied])).toEqual([['a', 2], ['b', 1]]);
  });

  it('names the failing event when evolve throws', () => {
    const failing = new ProjectionEngine(cartProjection({ throwOn: (event) => event.position === 2n }));
    const events = [at(1, 'CartOpened', { cartId: 'a' }), at(2, 'ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 1 })];
    let thrown: unknown;
    try {
      failing.project(new Map(), events);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventProcessingError);
    expect((thrown as EventProcessingError).event?.position).toBe(2n);
    expect((thrown as EventProcessingError).reason).toBe('cannot project event event-2');
  });

  describe('one copy per document per batch, not per event', () => {
    /** The cart projection setting `_id` and `_position` itself, as the shop's projections do (on the events `stampsOn` names). */
    const selfStamping = (stampsOn: readonly string[]): DocumentProjection<Cart> => ({
      ...projection,
      evolve(current, event) {
        const next = projection.evolve(current, event);
        return next && stampsOn.includes(event.type) ? { ...next, _id: projection.documentId(event)!, _position: Number(event.position) } : next;
      },
    });

    /** The engine before it kept evolve's documents: every evolve result copied with `_id` and `_position`. */
    function perEventWrites(subject: DocumentProjection<Cart>, stored: ReadonlyMap<string, ReadDocument>, events: readonly RecordedEvent[]): DocumentWrite[] {
      const states = new Map<string, { doc: ReadDocument | null; position: number; stored: boolean; changed: boolean }>();
      for (const event of events) {
        if (!subject.eventTypes.includes(event.type)) continue;
        const id = subject.documentId(event)!;
        let state = states.get(id);
        if (!state) {
          const doc = stored.get(id) ?? null;
          states.set(id, (state = { doc, position: doc?._position ?? -1, stored: doc !== null, changed: false }));
        }
        const position = Number(event.position);
        if (position <= state.position) continue;
        const next = subject.evolve(state.doc as Cart | null, event);
        state.doc = next === null ? null : { ...next, _id: id, _position: position };
        state.position = position;
        state.changed = true;
      }
      return [...states].flatMap(([id, state]): DocumentWrite[] => {
        if (!state.changed) return [];
        if (state.doc) return [{ op: 'upsert', collection: COLLECTION, doc: state.doc }];
        return state.stored ? [{ op: 'delete', collection: COLLECTION, id, position: state.position }] : [];
      });
    }

    const deepFrozen = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        for (const field of Object.values(value)) deepFrozen(field);
        Object.freeze(value);
      }
      return value;
    };

    it('writes the document evolve returned when it carries its _id and _position', () => {
      const returned: ReadDocument[] = [];
      const recording = selfStamping(['CartOpened', 'ItemAdded']);
      const spied = new ProjectionEngine<EventShape>({
        ...recording,
        evolve(current: Cart | null, event) {
          const next = recording.evolve(current, event);
          if (next) returned.push(next);
          return next;
        },
      });
      const events = [at(1, 'CartOpened', { cartId: 'a' }), at(2, 'ItemAdded', { cartId: 'a', sku: 'MUG', quantity: 2 })];
      const [write] = spied.project(new Map(), events).writes;
      expect(write).toEqual({ op: 'upsert', collection: COLLECTION, doc: { _id: 'a', _position: 2, items: { MUG: 2 }, applied: 2 } });
      expect(write!.op === 'upsert' && write!.doc).toBe(returned.at(-1));
    });

    it('property: the writes of the per-event engine, byte for byte, and the stored documents untouched', () => {
      const eventType = fc.constantFrom<CartEventType>('CartOpened', 'ItemAdded', 'ItemAdded', 'CartAbandoned', 'CouponIssued');
      const eventSpec = fc.record({ type: eventType, cartId: fc.constantFrom('a', 'b', 'c'), sku: fc.constantFrom('MUG', 'CUP'), quantity: fc.integer({ min: 1, max: 5 }) });
      const storedDoc = fc.record({ cartId: fc.constantFrom('a', 'b', 'c'), position: fc.integer({ min: 0, max: 30 }), mugs: fc.nat({ max: 9 }) });
      fc.assert(
        fc.property(
          fc.array(eventSpec, { minLength: 1, maxLength: 40 }),
          fc.array(storedDoc, { maxLength: 3 }),
          fc.subarray(['CartOpened', 'ItemAdded']),
          (specs, storedDocs, stampsOn) => {
            const events = specs.map(({ type, cartId, sku, quantity }, index) => at(index + 1, type, type === 'ItemAdded' ? { cartId, sku, quantity } : { cartId }));
            const stored = new Map(storedDocs.map(({ cartId, position, mugs }): [string, ReadDocument] => [cartId, deepFrozen({ _id: cartId, _position: position, items: { MUG: mugs }, applied: 1 })]));
            const subject = selfStamping(stampsOn);
            const writes = new ProjectionEngine<EventShape>(subject).project(stored, events).writes;
            expect(JSON.stringify(writes)).toBe(JSON.stringify(perEventWrites(subject, stored, events)));
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('property: batches and replays give what a straight fold gives', () => {
    const eventType = fc.constantFrom<CartEventType>('CartOpened', 'ItemAdded', 'ItemAdded', 'CartAbandoned', 'CouponIssued');
    const eventSpec = fc.record({ type: eventType, cartId: fc.constantFrom('a', 'b', 'c'), sku: fc.constantFrom('MUG', 'CUP'), quantity: fc.integer({ min: 1, max: 5 }) });
    const history = fc.array(eventSpec, { minLength: 1, maxLength: 40 }).map((specs) =>
      specs.map(({ type, cartId, sku, quantity }, index) => at(index + 1, type, type === 'ItemAdded' ? { cartId, sku, quantity } : { cartId })),
    );
    /** Cuts the events into consecutive batches at the given (arbitrary) points. */
    const split = (events: RecordedEvent[], cuts: number[]): RecordedEvent[][] => {
      const points = [...new Set(cuts.map((cut) => cut % events.length))].filter((p) => p > 0).sort((x, y) => x - y);
      return [0, ...points].map((start, i) => events.slice(start, points[i] ?? events.length));
    };
    const projectInBatches = (docs: Map<string, ReadDocument>, batches: RecordedEvent[][]): void => {
      for (const batch of batches) applyGuarded(docs, engine.project(docs, batch).writes);
    };
    const sorted = (docs: Map<string, ReadDocument>) => [...docs.values()].sort((x, y) => x._id.localeCompare(y._id));

    it('in any batch split, and again when the same events are delivered twice', () => {
      fc.assert(
        fc.property(history, fc.array(fc.nat(), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (events, firstCuts, secondCuts) => {
          const expected = sorted(straightFold(projection, events));
          const docs = new Map<string, ReadDocument>();
          projectInBatches(docs, split(events, firstCuts));
          expect(sorted(docs)).toEqual(expected);
          projectInBatches(docs, split(events, secondCuts));
          expect(sorted(docs)).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    });

    it('when a batch is delivered again right after it was applied (a lost acknowledgement)', () => {
      fc.assert(
        fc.property(history, fc.array(fc.nat(), { maxLength: 10 }), (events, cuts) => {
          const docs = new Map<string, ReadDocument>();
          for (const batch of split(events, cuts)) projectInBatches(docs, [batch, batch]);
          expect(sorted(docs)).toEqual(sorted(straightFold(projection, events)));
        }),
        { numRuns: 300 },
      );
    });
  });
});
