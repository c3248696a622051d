// The coordinator over the in-memory lease store (a test double passing the port's contract),
// driven tick by tick on one manual clock: never two holders at once, epochs only rise, the work
// is shared out, and a dead holder's leases move to the live instances within TTL + TTL/3.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InMemoryLeaseStore } from '../../test/support/in-memory-lease-store.js';
import { LeaseCoordinator } from './lease-coordinator.js';

const TTL = 900;
const NAMES = ['product-details', 'product-list', 'orders', 'order-fulfillment', 'fulfillment-command-relay', 'payment-authorization', 'payment-deadlines'];
const quiet = { log: () => {}, warn: () => {} };

function cluster(size: number) {
  const store = new InMemoryLeaseStore();
  let time = 1_800_000_000_000;
  const now = () => time;
  const instances = Array.from({ length: size }, (_, index) => {
    const coordinator = new LeaseCoordinator(store, { instanceId: `instance-${index}`, ttlMs: TTL, now, logger: quiet });
    const gates = new Map(NAMES.map((name) => [name, coordinator.gate(name)]));
    return { coordinator, gates, dead: false };
  });
  const holdersOf = (name: string) => instances.filter((instance) => instance.gates.get(name)!());
  return { store, instances, holdersOf, advance: (ms: number) => (time += ms) };
}

describe('LeaseCoordinator', () => {
  it('shares the leases out: three instances hold ceil(7/3) at most each, and every lease is held', async () => {
    const { instances, holdersOf } = cluster(3);
    for (let round = 0; round < 4; round++) for (const { coordinator } of instances) await coordinator.tick();
    for (const name of NAMES) expect(holdersOf(name)).toHaveLength(1);
    for (const { gates } of instances) expect([...gates.values()].filter((held) => held()).length).toBeLessThanOrEqual(3);
  });

  it('moves a dead holder\'s leases to the live instances within TTL + TTL/3 of its last renewal', async () => {
    const { instances, holdersOf, advance } = cluster(3);
    const interval = instances[0].coordinator.renewIntervalMs;
    for (let round = 0; round < 4; round++) for (const { coordinator } of instances) await coordinator.tick();
    const victim = instances[1];
    const itsLeases = NAMES.filter((name) => victim.gates.get(name)!());
    expect(itsLeases.length).toBeGreaterThan(0);
    victim.dead = true; // it stops renewing, without handing anything over (kill -9)
    let waited = 0;
    while (waited <= TTL + interval && itsLeases.some((name) => holdersOf(name).every((holder) => holder.dead))) {
      advance(interval);
      waited += interval;
      for (const instance of instances) if (!instance.dead) await instance.coordinator.tick();
    }
    expect(waited).toBeLessThanOrEqual(TTL + interval);
    for (const name of NAMES) expect(holdersOf(name).filter((holder) => !holder.dead)).toHaveLength(1);
  });

  it('never lets two instances hold a lease at once and never lowers an epoch, whatever the order of ticks, pauses and deaths', async () => {
    type Step = { kind: 'tick'; instance: number } | { kind: 'advance'; ms: number } | { kind: 'die'; instance: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('tick' as const), instance: fc.nat(3) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 2 * TTL }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('die' as const), instance: fc.nat(3) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80 }), async (steps) => {
        const { store, instances, holdersOf, advance } = cluster(4);
        const epochs = new Map<string, number>();
        for (const each of steps) {
          if (each.kind === 'advance') advance(each.ms); // an instance not ticking meanwhile is a paused one
          else if (each.kind === 'die') instances[each.instance].dead = true;
          else if (!instances[each.instance].dead) await instances[each.instance].coordinator.tick();
          for (const name of NAMES) expect(holdersOf(name).length).toBeLessThanOrEqual(1);
          for (const lease of await store.list()) {
            expect(lease.epoch).toBeGreaterThanOrEqual(epochs.get(lease.name) ?? 0);
            epochs.set(lease.name, lease.epoch);
          }
        }
        // Liveness: with the survivors ticking, every lease ends up held by one of them.
        const alive = instances.filter((instance) => !instance.dead);
        if (alive.length === 0) return;
        advance(TTL);
        for (let round = 0; round < 4; round++) for (const { coordinator } of alive) await coordinator.tick();
        for (const name of NAMES) expect(holdersOf(name).filter((holder) => !holder.dead)).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });

  it('hands a lease to a waiting subscriber once acquired, and aborts its tenure when another instance takes it over', async () => {
    const { instances, advance } = cluster(2);
    const [a, b] = instances;
    const stop = new AbortController();
    const waiting = a.coordinator.hold('orders', stop.signal);
    await a.coordinator.tick();
    const tenure = await waiting;
    expect(tenure?.fence).toEqual({ lease: 'orders', epoch: 1 });
    advance(TTL); // a is paused past its lease; b takes it over
    await b.coordinator.tick();
    await b.coordinator.tick();
    expect(b.gates.get('orders')!()).toBe(true);
    expect(tenure!.lost.aborted).toBe(false); // a has not run yet: only the fence stops its writes
    await a.coordinator.tick();
    expect(tenure!.lost.aborted).toBe(true);
  });
});
