import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Query as MingoQuery } from 'mingo';
import type { ReadDocument } from '../read-store.port.js';
import { UniqueIndexViolationError } from '../read-store.errors.js';
import { InMemoryCollection } from './in-memory-collection.js';

const matching = (query: Record<string, unknown>, docs: Iterable<ReadDocument>): string[] =>
  new MingoQuery(query, { scriptEnabled: false })
    .find<ReadDocument>([...docs])
    .all()
    .map((doc) => doc._id)
    .sort();

describe('InMemoryCollection', () => {
  it('narrows an equality lookup on an indexed field to the matching documents', () => {
    const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: `p${i}`, _position: i, sku: `SKU-${i}`, customerId: `c${i % 10}` }));
    const collection = new InMemoryCollection({ name: 'products', indexes: [{ fields: { sku: 1 }, unique: true }, { fields: { customerId: 1 } }] }, docs);
    expect(collection.candidates({ sku: 'SKU-42' }).map((doc) => doc._id)).toEqual(['p42']);
    expect(collection.candidates({ customerId: 'c3', total: { $gt: 5 } })).toHaveLength(100);
    expect(collection.candidates({ _id: { $in: ['p1', 'p2', 'nope'] } }).map((doc) => doc._id)).toEqual(['p1', 'p2']);
    expect(collection.candidates({ name: 'not indexed' })).toHaveLength(1000);
  });

  it('refuses to build over documents that break a unique index', () => {
    const docs = [
      { _id: 'a', _position: 1, sku: 'X' },
      { _id: 'b', _position: 2, sku: 'X' },
    ];
    expect(() => new InMemoryCollection({ name: 'products', indexes: [{ fields: { sku: 1 }, unique: true }] }, docs)).toThrow(UniqueIndexViolationError);
  });

  it('judges unique keys against stored documents and the rest of the batch', () => {
    const collection = new InMemoryCollection({ name: 'products', indexes: [{ fields: { sku: 1 }, unique: true }] }, [
      { _id: 'a', _position: 1, sku: 'X' },
      { _id: 'b', _position: 2, sku: 'Y' },
    ]);
    const doc = (id: string, sku: string) => ({ _id: id, _position: 9, sku });
    expect(collection.uniqueViolation(new Map([['c', doc('c', 'X')]]))).toBeInstanceOf(UniqueIndexViolationError);
    expect(collection.uniqueViolation(new Map([['a', doc('a', 'X')]]))).toBeUndefined();
    expect(collection.uniqueViolation(new Map([['a', null], ['c', doc('c', 'X')]]))).toBeUndefined();
    expect(collection.uniqueViolation(new Map([['a', doc('a', 'Y')], ['b', doc('b', 'X')]]))).toBeUndefined();
    expect(collection.uniqueViolation(new Map([['c', doc('c', 'Z')], ['d', doc('d', 'Z')]]))).toBeInstanceOf(UniqueIndexViolationError);
  });

  it('property: an indexed lookup finds exactly what a full scan finds', () => {
    // A small domain, so that random queries often match something.
    const scalar = fc.constantFrom<string | number | boolean | null>('x', '1', 1, true, null);
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.record({ city: scalar }), fc.array(fc.record({ city: scalar }), { maxLength: 2 }));
    const doc = fc.record(
      { sku: value, tier: value, n: value, tags: value, address: fc.oneof(value, fc.record({ city: value })) },
      { requiredKeys: [] },
    );
    const docs = fc.array(doc, { maxLength: 25 }).map((list) => list.map((fields, i): ReadDocument => ({ _id: `d${i}`, _position: i, ...fields })));
    const condition = fc.oneof(scalar, scalar.map((v) => ({ $eq: v })), fc.array(scalar, { maxLength: 2 }), fc.constant({ $exists: true }));
    const fields = ['sku', 'tier', 'n', 'tags', 'address.city'];
    const query = fc
      .tuple(fc.subarray(fields, { minLength: 1, maxLength: 2 }), fc.array(condition, { minLength: 2, maxLength: 2 }))
      .map(([keys, conditions]) => Object.fromEntries(keys.map((key, i) => [key, conditions[i]])));
    fc.assert(
      fc.property(docs, query, fc.array(fc.tuple(fc.nat(), doc), { maxLength: 5 }), (initial, q, updates) => {
        const collection = new InMemoryCollection(
          { name: 'things', indexes: [{ fields: { sku: 1 } }, { fields: { tier: 1, n: -1 } }, { fields: { tags: 1 } }, { fields: { 'address.city': 1 } }] },
          initial,
        );
        // Replace some documents so index maintenance (remove old keys, add new) is covered too.
        const all = new Map(initial.map((d) => [d._id, d]));
        for (const [index, fields] of updates) {
          const id = `d${index % 30}`;
          const next = { _id: id, _position: 100, ...fields };
          collection.put(id, next);
          all.set(id, next);
        }
        expect(matching(q, collection.candidates(q))).toEqual(matching(q, all.values()));
      }),
      { numRuns: 500 },
    );
  });
});
