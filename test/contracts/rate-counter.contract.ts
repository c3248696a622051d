// What a login throttle's counter promises, in memory (one instance) and on MongoDB (shared).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RateCounters } from '../../src/access/rate-counters.js';

export interface RateCountersUnderTest {
  /** Counters of one instance, and of another instance sharing them when the adapter can. */
  instances: RateCounters[];
  advance(ms: number): void;
  cleanup(): Promise<void>;
}

export function rateCounterContract(name: string, open: () => Promise<RateCountersUnderTest>): void {
  describe(`Rate counters: ${name}`, () => {
    let subject: RateCountersUnderTest;
    beforeEach(async () => {
      subject = await open();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('allows the limit in a window, refuses the next with a Retry-After, and counts no refusal', async () => {
      const counters = subject.instances.map((counters) => counters('login', 3, 60_000));
      const taken = [];
      for (let i = 0; i < 5; i++) taken.push(await counters[i % counters.length].take('10.0.0.1\nuser-1'));
      expect(taken.map((decision) => decision.allowed)).toEqual([true, true, true, false, false]);
      expect(taken[3].retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(taken[3].retryAfterSeconds).toBeLessThanOrEqual(70);
      expect((await counters[0].take('10.0.0.2\nuser-1')).allowed).toBe(true);
      subject.advance(70_000);
      expect((await counters[counters.length - 1].take('10.0.0.1\nuser-1')).allowed).toBe(true);
    });

    it('keeps counters of different names apart', async () => {
      const [counters] = subject.instances;
      const login = counters('login', 1, 60_000);
      const registration = counters('registration-ip', 1, 60_000);
      expect((await login.take('10.0.0.1')).allowed).toBe(true);
      expect((await registration.take('10.0.0.1')).allowed).toBe(true);
      expect((await login.take('10.0.0.1')).allowed).toBe(false);
    });
  });
}
