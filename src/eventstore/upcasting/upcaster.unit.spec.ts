import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../event-store.port.js';
import { UpcasterChain } from './upcaster.js';

const event = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  streamId: 's-1', revision: 0, position: 1n, eventId: '00000000-0000-4000-8000-000000000001', type, schemaVersion, data,
  recordedAt: '2026-11-23T12:00:00.000Z',
  metadata: { actor: { system: 't' }, commandId: 'c', commandType: 'C', correlationId: 'k', causationId: 'k', occurredAt: '2026-11-23T12:00:00.000Z', prevHash: '0', hash: '1' },
});

describe('UpcasterChain', () => {
  const chain = new UpcasterChain([
    { type: 'Renamed', fromVersion: 1, upcast: (data) => ({ b: (data as { a: number }).a }) },
    { type: 'Renamed', fromVersion: 2, upcast: (data) => ({ c: (data as { b: number }).b * 10 }) },
  ]);

  it('applies every step from the stored version to the current one', () => {
    expect(chain.upcast(event('Renamed', 1, { a: 4 }))).toMatchObject({ schemaVersion: 3, data: { c: 40 } });
    expect(chain.upcast(event('Renamed', 2, { b: 5 }))).toMatchObject({ schemaVersion: 3, data: { c: 50 } });
    expect(chain.currentVersion('Renamed')).toBe(3);
  });

  it('leaves current and unknown types as they are, and the input untouched', () => {
    const current = event('Renamed', 3, { c: 1 });
    expect(chain.upcast(current)).toBe(current);
    const other = event('Other', 1, { a: 1 });
    expect(chain.upcast(other)).toBe(other);
    const old = event('Renamed', 1, { a: 4 });
    chain.upcast(old);
    expect(old).toMatchObject({ schemaVersion: 1, data: { a: 4 } });
    expect(chain.currentVersion('Other')).toBe(1);
  });

  it('refuses two steps from the same version', () => {
    expect(() => new UpcasterChain([
      { type: 'X', fromVersion: 1, upcast: (d) => d },
      { type: 'X', fromVersion: 1, upcast: (d) => d },
    ])).toThrow(/Two upcasters/);
  });
});
