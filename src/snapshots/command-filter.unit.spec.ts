// The command filter never forgets a command it was given (no false "not recorded": that would
// decide a retried command again), survives its JSON round trip, and rarely says "maybe" for others.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { CommandFilter } from './command-filter.js';

describe('CommandFilter', () => {
  it('holds every id it was given, through any number of additions and JSON round trips', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })), { maxLength: 600 }), { maxLength: 6 }), (batches) => {
        let filter = CommandFilter.empty();
        for (const batch of batches) filter = CommandFilter.fromJson(JSON.parse(JSON.stringify(filter.with(batch).toJson())));
        for (const id of batches.flat()) expect(filter.mightHold(id)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('says "maybe" for at most about one id in 1,000 it was not given, however many it holds', () => {
    const filter = CommandFilter.empty().with(Array.from({ length: 100_000 }, () => randomUUID()));
    const others = Array.from({ length: 20_000 }, () => randomUUID());
    const falseMaybes = others.filter((id) => filter.mightHold(id)).length;
    // Expected below 20 (1 in 1,000); 60 leaves room for chance while catching a filter that is too loose.
    expect(falseMaybes).toBeLessThan(60);
    expect(JSON.stringify(filter.toJson()).length).toBeLessThan(700_000);
  });

  it('refuses what it did not write', () => {
    expect(() => CommandFilter.fromJson(JSON.parse('null'))).toThrow();
    expect(() => CommandFilter.fromJson({ parts: [{ capacity: 1024, count: 1, probes: 12, bits: 'AAAA' }] })).toThrow();
  });
});
