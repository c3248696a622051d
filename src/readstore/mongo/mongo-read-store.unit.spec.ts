import { describe, expect, it } from '@jest/globals';
import { WriteRejectedError } from '../read-store.errors.js';
import { assertPlainFieldNames } from './mongo-read-store.js';

describe('assertPlainFieldNames', () => {
  it('accepts plain documents, including $ inside values', () => {
    expect(() => assertPlainFieldNames({ _id: 'a', price: { amount: 1, currency: 'EUR' }, note: '$where', tags: [{ k: '$' }] })).not.toThrow();
  });

  it('refuses $-prefixed names at any depth, in arrays too', () => {
    expect(() => assertPlainFieldNames({ $set: 1 })).toThrow(WriteRejectedError);
    expect(() => assertPlainFieldNames({ a: { b: { $where: 'x' } } })).toThrow(/a\.b/);
    expect(() => assertPlainFieldNames({ lines: [{ ok: 1 }, { $gt: 2 }] })).toThrow(/lines\[1\]/);
  });
});
