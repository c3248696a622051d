// What the subscribers and workers see of the leases: wait until this instance holds a lease,
// run while it does, stop when it is lost. Two kinds: SoleInstanceLeases on the embedded default
// (one process holds the data dir's file lock, so it holds every lease, unfenced, as before), and
// the LeaseCoordinator (lease-coordinator.ts) over a shared LeaseStore when instances share MongoDB.
import type { WriteFence } from '../readstore/read-store.port.js';

export interface LeaseTenure {
  /** Undefined when nothing needs fencing (a sole instance). */
  readonly fence: WriteFence | undefined;
  /** Aborted when this instance no longer holds the lease (lost, handed over, or stopping). */
  readonly lost: AbortSignal;
  /** The holder found its writes fenced off: it holds the lease no more. */
  surrender(reason: string): void;
}

export interface LeaseReport {
  name: string;
  holder: string | null;
  /** The instance part of the holder (INSTANCE_ID). */
  instance: string | null;
  epoch: number;
  expiresAt: string | null;
  heldHere: boolean;
}

export interface LeasesStatus {
  /** This process, as holders are named: `<INSTANCE_ID>/<incarnation>`. */
  holder: string;
  shared: boolean;
  liveInstances: string[];
  leases: LeaseReport[];
  /** Changes of holder seen by this instance since it started (acquired, lost, handed over). */
  changes: number;
}

export interface Leases {
  readonly holder: string;
  /** True when instances share the leases: progress of what runs elsewhere is read from the store. */
  readonly shared: boolean;
  /** Resolves once this instance holds `name`; undefined when `stop` aborts first. */
  hold(name: string, stop: AbortSignal): Promise<LeaseTenure | undefined>;
  /** For poll loops: registers the wish to hold `name`; the predicate says whether it is held now. */
  gate(name: string): () => boolean;
  status(): Promise<LeasesStatus>;
  start(): void;
  stop(): Promise<void>;
}

export const LEASES = Symbol('Leases');

const never = new AbortController().signal;

/** The embedded default: this process is the only instance (the file lock says so). */
export class SoleInstanceLeases implements Leases {
  private readonly names = new Set<string>();
  readonly shared = false;

  constructor(readonly holder: string) {}

  hold(name: string, stop: AbortSignal): Promise<LeaseTenure | undefined> {
    if (stop.aborted) return Promise.resolve(undefined);
    this.names.add(name);
    return Promise.resolve({ fence: undefined, lost: never, surrender: () => {} });
  }

  gate(name: string): () => boolean {
    this.names.add(name);
    return () => true;
  }

  async status(): Promise<LeasesStatus> {
    const leases = [...this.names].sort().map((name) => ({ name, holder: this.holder, instance: instanceOf(this.holder), epoch: 1, expiresAt: null, heldHere: true }));
    return { holder: this.holder, shared: false, liveInstances: [this.holder], leases, changes: 0 };
  }

  start(): void {}

  async stop(): Promise<void> {}
}

/** `<INSTANCE_ID>/<incarnation>` -> INSTANCE_ID. */
export function instanceOf(holder: string | null): string | null {
  if (holder === null) return null;
  const slash = holder.lastIndexOf('/');
  return slash > 0 ? holder.slice(0, slash) : holder;
}
