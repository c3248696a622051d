import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { filterSql, prefixUpperBound } from './all-filter-sql.js';

/** SQLite's BINARY collation: memcmp over UTF-8. */
const compareUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('prefixUpperBound', () => {
  it('bounds exactly the strings that start with the prefix, in UTF-8 byte order', () => {
    // Small alphabets make shared prefixes, and the edges of the code space, likely.
    const char = fc.constantFrom('a', 'b', '-', '_', '%', '\u007f', '\u0080', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}');
    const text = fc.array(char, { maxLength: 5 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, text, (prefix, candidate) => {
        const upper = prefixUpperBound(prefix);
        const inRange = compareUtf8(candidate, prefix) >= 0 && (upper === undefined || compareUtf8(candidate, upper) < 0);
        expect(inRange).toBe(candidate.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
  });

  it('skips the surrogate range and has no bound above the last code point', () => {
    expect(prefixUpperBound('a\ud7ff')).toBe('a\ue000');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
  });
});

describe('filterSql', () => {
  it('binds values as parameters and caches by shape only', () => {
    const one = filterSql({ streamPrefixes: ["x' OR 1=1 --"], eventTypes: ['A', 'B'] });
    const two = filterSql({ streamPrefixes: ['y'], eventTypes: ['C', 'D'] });
    expect(one.shape).toBe(two.shape);
    expect(one.where).toBe(two.where);
    expect(one.where).not.toContain('OR 1=1');
    expect(one.params).toEqual(['A', 'B', "x' OR 1=1 --", "x' OR 1=1 -." ]);
  });

  it('refuses empty lists', () => {
    expect(() => filterSql({ streamPrefixes: [] })).toThrow(RangeError);
    expect(() => filterSql({ eventTypes: [] })).toThrow(RangeError);
  });
});
