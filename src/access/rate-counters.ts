// Counters that must hold across instances (login and registration throttles): behind a load
// balancer a per-process budget would be multiplied by the instance count, which a password
// guesser would enjoy. On MongoDB they are shared (mongo/mongo-rate-counter.ts); on the embedded
// default (one process) they are the in-memory RateLimiter. Command rate limits stay per instance
// (README: size them as the wanted total divided by the instance count).
import { RateLimiter, type RateDecision } from './rate-limiter.js';

export interface RateCounter {
  /** Counts one request of `key`; refused (not counted) beyond the limit in the window. */
  take(key: string): Promise<RateDecision>;
}

/** Makes the counter named `name` (a limiter: "login", "login-ip", ...) for `limit` per `windowMs`. */
export type RateCounters = (name: string, limit: number, windowMs: number) => RateCounter;

export const SHARED_RATE_COUNTERS = Symbol('SharedRateCounters');

export function localRateCounters(now: () => number): RateCounters {
  return (_name, limit, windowMs) => {
    const limiter = new RateLimiter(limit, windowMs, now);
    return { take: async (key) => limiter.take(key) };
  };
}
