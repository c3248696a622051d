// The verified-token memory: never serves a token at or past its exp, keeps at most its capacity,
// and keeps nothing it could not expire.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  it('serves a remembered token until its exp, and not from its exp on', () => {
    let now = 1_000_000_000_000;
    const tokens = new VerifiedTokens<{ exp?: unknown; sub: string }>(10, () => now);
    const exp = now / 1000 + 60;
    tokens.remember('t', { exp, sub: 'u' });
    expect(tokens.claimsOf('t')).toEqual({ exp, sub: 'u' });
    now = exp * 1000 - 1;
    expect(tokens.claimsOf('t')?.sub).toBe('u');
    now = exp * 1000;
    expect(tokens.claimsOf('t')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('keeps nothing without a numeric exp, or already expired', () => {
    const now = 1_000_000_000_000;
    const tokens = new VerifiedTokens<{ exp?: unknown }>(10, () => now);
    tokens.remember('none', {});
    tokens.remember('text', { exp: String(now / 1000 + 60) });
    tokens.remember('past', { exp: now / 1000 - 1 });
    expect([tokens.claimsOf('none'), tokens.claimsOf('text'), tokens.claimsOf('past')]).toEqual([undefined, undefined, undefined]);
  });

  it('hands out claims that cannot be changed', () => {
    const tokens = new VerifiedTokens<{ exp?: unknown; sub: string }>(10, () => 0);
    const claims = { exp: 60, sub: 'u' };
    tokens.remember('t', claims);
    claims.sub = 'someone else';
    expect(tokens.claimsOf('t')?.sub).toBe('u');
    expect(Object.isFrozen(tokens.claimsOf('t'))).toBe(true);
  });

  it('whatever is remembered and whenever it is asked, it never holds more than its capacity nor serves an expired token', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('remember' as const), token: fc.integer({ min: 0, max: 20 }), exp: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant('ask' as const), token: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.array(operation, { maxLength: 60 }), (capacity, operations) => {
      let nowSeconds = 0;
      const tokens = new VerifiedTokens<{ exp?: unknown }>(capacity, () => nowSeconds * 1000);
      for (const op of operations) {
        if (op.kind === 'tick') nowSeconds += op.seconds;
        else if (op.kind === 'remember') tokens.remember(String(op.token), { exp: op.exp });
        else {
          const claims = tokens.claimsOf(String(op.token));
          if (claims !== undefined) expect(nowSeconds).toBeLessThan(claims.exp as number);
        }
        expect(tokens.size).toBeLessThanOrEqual(capacity);
      }
    }));
  });

  it('makes room by forgetting the token remembered longest ago', () => {
    const tokens = new VerifiedTokens<{ exp?: unknown }>(2, () => 0);
    tokens.remember('a', { exp: 60 });
    tokens.remember('b', { exp: 60 });
    tokens.remember('c', { exp: 60 });
    expect([tokens.claimsOf('a'), tokens.claimsOf('b'), tokens.claimsOf('c')].map(Boolean)).toEqual([false, true, true]);
  });
});
