// canonicalJson writes what the canonicalize package writes (RFC 8785), for any value, and refuses
// what it refuses with the same message: the hash chain of every stored event depends on it.
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';

const outcome = (write: (value: unknown) => string | undefined, value: unknown) => {
  try {
    return { text: write(value) };
  } catch (error) {
    return { error: (error as Error).message };
  }
};
const sameAsPackage = (value: unknown) => expect(outcome(canonicalJson, value)).toEqual(outcome(canonicalize, value));

describe('canonicalJson', () => {
  it('equals the canonicalize package on any value', () => {
    fc.assert(fc.property(fc.anything({ withBoxedValues: true, withDate: true, withNullPrototype: true, withSparseArray: true, withObjectString: true }), sameAsPackage), { numRuns: 2000 });
  });

  it('equals it on JSON with unicode, lone surrogates, and odd numbers', () => {
    fc.assert(fc.property(fc.jsonValue(), sameAsPackage), { numRuns: 1000 });
    fc.assert(fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.constant(-0))), sameAsPackage), { numRuns: 1000 });
  });

  it('equals it on the quirks: functions, symbols, undefined, toJSON, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const shared = { x: 1 };
    const values: unknown[] = [
      undefined, () => 1, Symbol('s'), [undefined, () => 1, Symbol('s'), 1], { f: () => 1, s: Symbol('s'), u: undefined, n: null },
      new Date(0), { toJSON: () => ({ b: 2, a: [NaN] }) }, cyclic, [cyclic], { left: shared, right: shared }, 10n, { big: 10n },
      '\ud800', { '\udc00': 1 }, Infinity, [-Infinity], NaN, 1e21, 1e-7, -0, 'é\u2028\u0000"\\',
    ];
    for (const value of values) sameAsPackage(value);
  });
});
