import { describe, expect, it } from '@jest/globals';
import { assertNoScriptOperators } from './query-guard.js';
import { UnsafeQueryError } from './read-store.errors.js';

describe('assertNoScriptOperators', () => {
  it.each([
    [{ $where: 'this.a > 1' }],
    [{ $or: [{ a: 1 }, { $where: 'true' }] }],
    [{ $expr: { $function: { body: 'function () { return true; }', args: [], lang: 'js' } } }],
    [{ a: { $elemMatch: { $accumulator: {} } } }],
    [{ $whereabouts: 1 }],
  ])('refuses %j', (query) => {
    expect(() => assertNoScriptOperators(query)).toThrow(UnsafeQueryError);
  });

  it('lets ordinary queries through', () => {
    expect(() => assertNoScriptOperators({ sku: { $gt: 'A' }, $or: [{ tier: 'gold' }, { tags: { $in: ['x'] } }], note: 'about $where' })).not.toThrow();
  });
});
