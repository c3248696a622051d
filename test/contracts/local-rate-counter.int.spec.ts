// The in-memory counters (the embedded default: one instance) keep the throttles' promise.
import { localRateCounters } from '../../src/access/rate-counters.js';
import { rateCounterContract } from './rate-counter.contract.js';

rateCounterContract('in memory, one instance', async () => {
  let time = 1_800_000_000_000;
  return { instances: [localRateCounters(() => time)], advance: (ms) => (time += ms), cleanup: async () => {} };
});
