// The chain hash is DESIGN.md's formula, computed the plain way here as the reference:
// sha256 over prevHash then the RFC 8785 canonical JSON (the canonicalize package) of the event
// without its hash. Every stored event's hash depends on it, so a faster implementation must give
// the same hex for any event.
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { chainHash, type HashableEvent } from './hash-chain.js';

const reference = (event: HashableEvent) => {
  const { streamId, revision, eventId, type, schemaVersion, data, metadata } = event;
  return createHash('sha256').update(metadata.prevHash).update(canonicalize({ streamId, revision, eventId, type, schemaVersion, data, metadata }) ?? '').digest('hex');
};

const event: fc.Arbitrary<HashableEvent> = fc.record({
  streamId: fc.string({ minLength: 1, unit: 'grapheme' }),
  revision: fc.nat(),
  eventId: fc.uuid(),
  type: fc.string({ minLength: 1 }),
  schemaVersion: fc.integer({ min: 1, max: 9 }),
  data: fc.jsonValue(),
  metadata: fc.record({
    prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
    commandId: fc.uuid(),
    commandType: fc.string({ unit: 'binary' }),
    correlationId: fc.string(),
    causationId: fc.string(),
    actor: fc.record({ userId: fc.string({ unit: 'grapheme' }), roles: fc.array(fc.string()) }),
    occurredAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  }),
});

describe('chainHash', () => {
  it('is sha256(prevHash + canonical JSON of the event without its hash) for any event', () => {
    fc.assert(
      fc.property(event, (candidate) => {
        expect(chainHash(candidate)).toBe(reference(candidate));
      }),
      { numRuns: 300 },
    );
  });
});
