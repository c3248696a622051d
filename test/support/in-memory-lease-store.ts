// A TEST DOUBLE of the LeaseStore port, held in memory: the same rules as the MongoDB adapter
// (renew keeps the epoch, a take-over of an expired or released lease raises it, the first
// creator wins), so the coordinator's sharing and failover can be driven tick by tick with a
// manual clock. It passes the same contract suite as the adapter (test/contracts/lease-store.contract.ts).
import type { Lease, LeaseStore, LiveInstance } from '../../src/leases/lease-store.port.js';

export class InMemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, Lease>();
  private readonly instances = new Map<string, number>();

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const lease = this.leases.get(name);
    const expiresAt = now + ttlMs;
    if (lease === undefined) {
      const created = { name, holder, epoch: 1, expiresAt };
      this.leases.set(name, created);
      return { ...created };
    }
    if (lease.holder === holder) lease.expiresAt = expiresAt;
    else if (lease.expiresAt <= now) Object.assign(lease, { holder, expiresAt, epoch: lease.epoch + 1 });
    else return undefined;
    return { ...lease };
  }

  async release(name: string, holder: string, now: number): Promise<void> {
    const lease = this.leases.get(name);
    if (lease?.holder === holder) Object.assign(lease, { holder: null, expiresAt: now });
  }

  async list(): Promise<Lease[]> {
    return [...this.leases.values()].map((lease) => ({ ...lease })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async heartbeat(holder: string, ttlMs: number, now: number): Promise<void> {
    this.instances.set(holder, now + ttlMs);
  }

  async liveInstances(now: number): Promise<LiveInstance[]> {
    return [...this.instances].filter(([, expiresAt]) => expiresAt > now).map(([holder, expiresAt]) => ({ holder, expiresAt })).sort((a, b) => a.holder.localeCompare(b.holder));
  }

  async leave(holder: string): Promise<void> {
    this.instances.delete(holder);
  }

  async close(): Promise<void> {}
}
