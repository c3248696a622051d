// Property, over every projection the service serves (and the scratch ones analysts replay):
// delivery is at least once, so whatever batches the log arrives in, and from wherever a
// subscriber resumes after a crash (an earlier checkpoint than the writes it had made), the
// documents are those of one clean pass over the log.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { documentsAfter, record } from '../test/support/projection-spec.js';
import { shopStory } from '../test/support/shop-story.js';
import type { RecordedEvent } from '../src/eventstore/event-store.port.js';
import { allProjections } from './index.js';
import { scratchProjections } from './scratch/index.js';

const log = record(shopStory());
const projections = [...allProjections, ...scratchProjections];

/** The deliveries cut into batches at the given points. */
function batches(deliveries: readonly RecordedEvent[], cuts: readonly number[]): RecordedEvent[][] {
  const points = [...new Set(cuts.map((cut) => cut % (deliveries.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => deliveries.slice(start, [...points, deliveries.length][i]));
}

describe('every projection, delivered at least once', () => {
  it('the story leaves documents in every served projection (the property below has something to compare)', () => {
    for (const projection of allProjections) expect(documentsAfter(projection, [log]).length).toBeGreaterThan(0);
  });

  it('holds the documents of one clean pass, whatever the batches and wherever it resumed', () => {
    const clean = new Map(projections.map((projection) => [projection.name, documentsAfter(projection, [log])]));
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat({ max: log.length }),
        fc.nat({ max: log.length }),
        (cuts, a, b) => {
          // Crashed after delivering `crashedAt` events, resumed from an older checkpoint `resumedFrom`.
          const [resumedFrom, crashedAt] = a <= b ? [a, b] : [b, a];
          const deliveries = [...log.slice(0, crashedAt), ...log.slice(resumedFrom)];
          for (const projection of projections) expect(documentsAfter(projection, batches(deliveries, cuts))).toEqual(clean.get(projection.name));
        },
      ),
    );
  });
});
