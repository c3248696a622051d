import { describe, expect, it } from '@jest/globals';
import { planFilter } from './esdb-codec.js';
import { UnsupportedPositionError, fromEsdbPosition, toEsdbPosition } from './esdb-position.js';

describe('planFilter', () => {
  it('leaves system events out whatever the filter, including plain types in system streams', () => {
    const { server, keep } = planFilter(undefined);
    expect(server).toEqual({ on: 'type', regex: '^[^$]' });
    expect(keep('order-1', 'OrderPlaced')).toBe(true);
    expect(keep('$persistentSubscriptionConfig', 'PersistentConfig1')).toBe(false);
    expect(keep('order-1', '$>')).toBe(false);
  });

  it('filters stream prefixes on the server and event types again on every event', () => {
    const { server, keep } = planFilter({ streamPrefixes: ['order-'], eventTypes: ['OrderPlaced'] });
    expect(server).toEqual({ on: 'stream', prefixes: ['order-'] });
    expect(keep('order-1', 'OrderPlaced')).toBe(true);
    expect(keep('order-1', 'OrderShipped')).toBe(false);
    expect(keep('product-1', 'OrderPlaced')).toBe(false);
  });

  it('matches event types exactly, with regex characters taken literally', () => {
    const { server } = planFilter({ eventTypes: ['Order.Placed', 'A+B'] });
    const regex = new RegExp(server.regex!);
    expect(regex.test('Order.Placed')).toBe(true);
    expect(regex.test('OrderXPlaced')).toBe(false);
    expect(regex.test('A+B')).toBe(true);
    expect(regex.test('Order.PlacedV2')).toBe(false);
  });

  it('refuses an empty list instead of guessing what it means', () => {
    expect(() => planFilter({ eventTypes: [] })).toThrow(RangeError);
    expect(() => planFilter({ streamPrefixes: [] })).toThrow(RangeError);
  });
});

describe('positions', () => {
  it('maps a commit == prepare position to one bigint and back', () => {
    expect(fromEsdbPosition('s', '0', '18446744073709551000', '18446744073709551000')).toBe(18446744073709551000n);
    expect(toEsdbPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('refuses an event of an explicit transaction (commit after prepare)', () => {
    expect(() => fromEsdbPosition('s', '3', '2000', '1500')).toThrow(UnsupportedPositionError);
  });
});
