import { KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { hs256Key, hs256KeyForPassport } from './hs256-key.js';

const secret = 'a-test-secret-of-enough-bytes-0123456789-abcdef';
const issuer = 'orderstream';
const audience = 'orderstream-api';

describe('the HS256 key handed to the JWT strategy', () => {
  // Handed a string, jsonwebtoken tries it as a public key (crypto.createPublicKey) on every
  // verify before making a secret key of it; a KeyObject is used as it is.
  it('is a secret KeyObject', () => {
    const key: unknown = hs256KeyForPassport(secret);
    expect(key).toBeInstanceOf(KeyObject);
    expect((key as KeyObject).type).toBe('secret');
  });

  it('verifies a token signed with the secret and refuses one signed with another secret or another algorithm', () => {
    const key = hs256Key(secret);
    const claims = { sub: 'user-1', iss: issuer, aud: audience };
    const verify = (token: string) => jwt.verify(token, key, { algorithms: ['HS256'], issuer, audience });
    expect(verify(jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 60 }))).toMatchObject({ sub: 'user-1' });
    expect(() => verify(jwt.sign(claims, `${secret}-other`, { algorithm: 'HS256', expiresIn: 60 }))).toThrow(/invalid signature/);
    expect(() => verify(jwt.sign(claims, secret, { algorithm: 'HS512', expiresIn: 60 }))).toThrow(/invalid algorithm/);
  });
});
