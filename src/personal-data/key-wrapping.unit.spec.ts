// Wrapping data keys with a key-encryption key: a wrapped key opens only with its KEK (current or
// previous) and for its own subject, any changed byte is refused, and a key kept unwrapped from
// before a KEK was configured is used as it is.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { isWrapped, keyEncryptionKeyOf, KeyUnwrapError, unwrapKey, wrapKey, wrappedBy, WRAPPED_KEY_BYTES } from './key-wrapping.js';

const kek = keyEncryptionKeyOf(randomBytes(32));
const older = keyEncryptionKeyOf(randomBytes(32));
const keks = { current: kek, previous: [older] };

describe('a wrapped data key', () => {
  it('opens with its KEK for its subject, and holds no copy of the data key', () => {
    const dataKey = randomBytes(32);
    const wrapped = wrapKey(dataKey, kek, 'u-1');
    expect(wrapped).toHaveLength(WRAPPED_KEY_BYTES);
    expect([isWrapped(wrapped), wrappedBy(wrapped)]).toEqual([true, kek.id]);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(unwrapKey(wrapped, keks, 'u-1').equals(dataKey)).toBe(true);
  });

  it('opens with a previous KEK after a rotation', () => {
    const dataKey = randomBytes(32);
    expect(unwrapKey(wrapKey(dataKey, older, 'u-1'), keks, 'u-1').equals(dataKey)).toBe(true);
  });

  it('does not open without its KEK, for another subject, or with any byte changed', () => {
    const wrapped = wrapKey(randomBytes(32), kek, 'u-1');
    expect(() => unwrapKey(wrapped, undefined, 'u-1')).toThrow(KeyUnwrapError);
    expect(() => unwrapKey(wrapped, { current: older, previous: [] }, 'u-1')).toThrow(/not configured/);
    expect(() => unwrapKey(wrapped, keks, 'u-2')).toThrow(/altered or moved/);
    fc.assert(
      fc.property(fc.nat({ max: WRAPPED_KEY_BYTES - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const changed = Buffer.from(wrapped);
        changed[index] = changed[index]! ^ flip;
        expect(() => unwrapKey(changed, keks, 'u-1')).toThrow(KeyUnwrapError);
      }),
    );
  });

  it('leaves a key kept before a KEK was configured as it is', () => {
    const plain = randomBytes(32);
    expect(unwrapKey(plain, keks, 'u-1')).toBe(plain);
    expect(unwrapKey(plain, undefined, 'u-1')).toBe(plain);
    expect(() => unwrapKey(randomBytes(40), keks, 'u-1')).toThrow(/neither a key nor a wrapped key/);
  });
});
