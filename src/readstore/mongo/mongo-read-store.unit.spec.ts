import { describe, expect, it } from '@jest/globals';
import { WriteRejectedError } from '../read-store.errors.js';
import { assertPlainFieldNames, databaseName } from './mongo-read-store.js';

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

describe('databaseName', () => {
  it('takes the path of the connection string, orderstream without one', () => {
    expect(databaseName('mongodb://localhost:27017')).toBe('orderstream');
    expect(databaseName('mongodb://localhost:27017/?replicaSet=rs0')).toBe('orderstream');
    expect(databaseName('mongodb://u:p@h1:27017,h2:27017/shop?replicaSet=rs0')).toBe('shop');
    expect(databaseName('mongodb+srv://cluster.example.net/shop')).toBe('shop');
  });
});
