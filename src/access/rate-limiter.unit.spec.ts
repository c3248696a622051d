import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from './rate-limiter.js';

const MINUTE = 60_000;

function limiter(limit: number, maxKeys?: number) {
  let now = 1_700_000_000_000;
  const rl = new RateLimiter(limit, MINUTE, () => now, maxKeys);
  return { rl, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows `limit` requests in a minute and refuses the next, with Retry-After', () => {
    const { rl, advance } = limiter(10);
    for (let i = 0; i < 10; i++) {
      expect(rl.take('k')).toEqual({ allowed: true, retryAfterSeconds: 0 });
      advance(5_000); // 10 requests spread over 50 s
    }
    const refused = rl.take('k');
    expect(refused.allowed).toBe(false);
    // The first request leaves the window about 60 s after it was made, i.e. ~10 s from now.
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(10);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(12);
  });

  it('never allows more than `limit` in any minute-long span', () => {
    const { rl, advance } = limiter(5);
    const allowedAt: number[] = [];
    let t = 0;
    for (let i = 0; i < 600; i++) {
      if (rl.take('k').allowed) allowedAt.push(t);
      advance(700);
      t += 700;
    }
    for (let i = 5; i < allowedAt.length; i++) expect(allowedAt[i]! - allowedAt[i - 5]!).toBeGreaterThanOrEqual(MINUTE);
    expect(allowedAt.length).toBeGreaterThan(5 * 6); // and it does let requests through again
  });

  it('lets a refused client back in once the window has passed', () => {
    const { rl, advance } = limiter(2);
    rl.take('k');
    rl.take('k');
    const refused = rl.take('k');
    expect(refused.allowed).toBe(false);
    advance(refused.retryAfterSeconds * 1000);
    expect(rl.take('k').allowed).toBe(true);
  });

  it('keeps keys apart', () => {
    const { rl } = limiter(1);
    expect(rl.take('a').allowed).toBe(true);
    expect(rl.take('a').allowed).toBe(false);
    expect(rl.take('b').allowed).toBe(true);
  });

  it('bounds the number of keys it remembers', () => {
    const { rl, advance } = limiter(3, 1000);
    for (let i = 0; i < 5000; i++) rl.take(`key-${i}`);
    expect(rl.size).toBeLessThanOrEqual(1000);
    advance(2 * MINUTE);
    rl.take('fresh');
    for (let i = 0; i < 1000; i++) rl.take(`later-${i}`);
    expect(rl.size).toBeLessThanOrEqual(1000);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new RateLimiter(0, MINUTE)).toThrow(RangeError);
  });
});
