// The LeaseStore port: named leases that one holder at a time keeps by renewing them before they
// expire, and a roster of live instances (so each can take a fair share of the leases). Every
// change of holder raises the lease's epoch; writes fenced by a lease (a subscriber's checkpoint)
// carry the epoch they were made under and are refused once it has moved on.
// The contract suite (test/contracts/lease-store.contract.ts) is its executable definition.

export interface Lease {
  name: string;
  /** Who holds it: `<instance id>/<process incarnation>`; null once released. */
  holder: string | null;
  /** Raised on every change of holder, never lowered. */
  epoch: number;
  /** Milliseconds since the epoch (the holders' clocks, kept in sync by NTP). */
  expiresAt: number;
}

export interface LiveInstance {
  holder: string;
  expiresAt: number;
}

export interface LeaseStore {
  /**
   * Takes the lease for `holder` if it is free, expired, or already `holder`'s (a renewal, which
   * keeps the epoch), until `now + ttlMs`. Answers the lease as held, or undefined when another
   * holder keeps it.
   */
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  /** Gives the lease up at once if `holder` has it (the next taker raises the epoch). */
  release(name: string, holder: string, now: number): Promise<void>;
  list(): Promise<Lease[]>;
  /** `holder` is alive until `now + ttlMs`: it counts in the roster that shares the leases out. */
  heartbeat(holder: string, ttlMs: number, now: number): Promise<void>;
  /** The holders whose heartbeat has not expired at `now`. */
  liveInstances(now: number): Promise<LiveInstance[]>;
  /** Leaves the roster (a clean stop). */
  leave(holder: string): Promise<void>;
  close(): Promise<void>;
}
