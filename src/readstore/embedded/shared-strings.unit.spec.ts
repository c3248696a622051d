// Sharing strings changes no document: what comes back equals what JSON.parse gives. (The memory
// it saves is what `npm run bench -- --scale` measures; a test cannot see string identity.)
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseSharingStrings } from './shared-strings.js';

describe('parseSharingStrings', () => {
  it('gives back exactly the documents JSON.parse gives', () => {
    const text = fc.oneof(fc.constantFrom('product-1', 'product-2', '__proto__', 'constructor', ''), fc.string({ maxLength: 80 }));
    const doc = fc.record({ _id: text, _position: fc.nat(), events: fc.array(fc.record({ streamId: text, revision: fc.nat(), note: fc.option(text) })), nested: fc.dictionary(text, fc.jsonValue()) });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 20 }), (docs) => {
        const bodies = docs.map((d) => JSON.stringify(d));
        expect(parseSharingStrings(bodies)).toEqual(bodies.map((body) => JSON.parse(body)));
      }),
    );
  });
});
