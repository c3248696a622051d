// Shares the leases among the live instances: each instance keeps a heartbeat in the roster,
// renews what it holds every TTL/3, hands over what exceeds its fair share
// (ceil(leases / live instances)) and takes free or expired leases up to it. A dead instance's
// leases expire within the TTL and its heartbeat with them, so the others' share grows and they
// take them over at their next tick: failover within TTL + TTL/3. A paused process that wakes
// finds at its next renewal that its leases moved on, and stops those subscribers; whatever they
// wrote meanwhile is refused by the epoch fence (read store commits), and its poll loops stop at
// the local expiry (gate).
import { randomUUID } from 'node:crypto';
import type { LeaseStore } from './lease-store.port.js';
import { instanceOf, type LeaseReport, type Leases, type LeasesStatus, type LeaseTenure } from './leases.js';
import { LeaseMetrics, type LeaseChange } from './lease-metrics.js';

export interface LeaseCoordinatorOptions {
  /** INSTANCE_ID: names this instance in holders, logs and /health. */
  instanceId: string;
  /** LEASE_TTL_MS: how long a lease lasts unrenewed; renewals every third of it. */
  ttlMs: number;
  /** Milliseconds since the epoch; the instances' clocks must agree (NTP) to well within the TTL. */
  now?: () => number;
  logger: { log(message: string): void; warn(message: string): void };
}

interface Held {
  epoch: number;
  /** Local time by which a renewal must have landed. */
  validUntil: number;
  lost: AbortController;
}

export class LeaseCoordinator implements Leases {
  readonly holder: string;
  readonly shared = true;
  private readonly wanted = new Set<string>();
  private readonly held = new Map<string, Held>();
  private readonly waiting = new Map<string, Set<(tenure: LeaseTenure) => void>>();
  private readonly metrics = new LeaseMetrics();
  private readonly now: () => number;
  private live: string[] = [];
  private changeCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private started = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseCoordinatorOptions,
  ) {
    // A new incarnation per process: a restarted instance is a new holder (epoch raised), never
    // mistaken for the paused or dead process that had its id before.
    this.holder = `${options.instanceId}/${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? Date.now;
  }

  get renewIntervalMs(): number {
    return Math.max(1, Math.floor(this.options.ttlMs / 3));
  }

  hold(name: string, stop: AbortSignal): Promise<LeaseTenure | undefined> {
    if (stop.aborted || this.stopped) return Promise.resolve(undefined);
    this.want(name);
    const held = this.held.get(name);
    if (held && !held.lost.signal.aborted) return Promise.resolve(this.tenure(name, held));
    return new Promise((resolve) => {
      const waiters = this.waiting.get(name) ?? new Set();
      this.waiting.set(name, waiters);
      const onStop = (): void => {
        waiters.delete(granted);
        resolve(undefined);
      };
      const granted = (tenure: LeaseTenure): void => {
        stop.removeEventListener('abort', onStop);
        resolve(tenure);
      };
      waiters.add(granted);
      stop.addEventListener('abort', onStop, { once: true });
    });
  }

  gate(name: string): () => boolean {
    this.want(name);
    return () => {
      const held = this.held.get(name);
      return held !== undefined && !held.lost.signal.aborted && this.now() < held.validUntil;
    };
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** Stops renewing, hands every lease over and leaves the roster (a clean stop: others take over at once). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    const now = this.now();
    await Promise.allSettled([...this.held.keys()].map((name) => this.handOver(name, now)));
    await this.store.leave(this.holder).catch(() => undefined);
    for (const waiters of this.waiting.values()) waiters.clear();
  }

  async status(): Promise<LeasesStatus> {
    const stored = new Map((await this.store.list()).map((lease) => [lease.name, lease]));
    const leases: LeaseReport[] = [...new Set([...this.wanted, ...stored.keys()])].sort().map((name) => {
      const lease = stored.get(name);
      const holder = lease?.holder ?? null;
      return {
        name,
        holder,
        instance: instanceOf(holder),
        epoch: lease?.epoch ?? 0,
        expiresAt: lease && holder !== null ? new Date(lease.expiresAt).toISOString() : null,
        heldHere: this.held.has(name),
      };
    });
    return { holder: this.holder, shared: true, liveInstances: this.live, leases, changes: this.changeCount };
  }

  /** One round: renew, heartbeat, hand over the excess, take up to the fair share. */
  async tick(): Promise<void> {
    const now = this.now();
    // Renewals first, all at once: a round trip each in turn could outlast the TTL on a busy host.
    // A renewal that lands late still keeps the lease if nobody took it meanwhile (same epoch):
    // whatever ran in between was fenced by that epoch anyway. Poll loops stop at the local expiry (gate).
    const renewed = await Promise.all([...this.held].map(async ([name, held]) => ({ name, held, lease: await this.store.acquire(name, this.holder, this.options.ttlMs, now) })));
    for (const { name, held, lease } of renewed) {
      if (this.held.get(name) !== held) continue;
      if (lease === undefined) this.lose(name, `another instance took it over${now >= held.validUntil ? ' (its renewal came too late)' : ''}`);
      else if (lease.epoch !== held.epoch) {
        this.lose(name, `it moved on to epoch ${lease.epoch} meanwhile`);
        this.grant(name, lease.epoch, now);
      } else held.validUntil = now + this.options.ttlMs;
    }
    await this.store.heartbeat(this.holder, this.options.ttlMs, now);
    const live = (await this.store.liveInstances(now)).map((instance) => instance.holder);
    this.live = live.includes(this.holder) ? live : [...live, this.holder];
    this.metrics.liveInstances.set(this.live.length);
    const share = Math.ceil(this.wanted.size / this.live.length);
    // Hand over the excess (a new instance joined), the least preferred first.
    const excess = this.byPreference([...this.held.keys()]).slice(share);
    await Promise.all(excess.map((name) => this.handOver(name, now)));
    // Take free or expired leases up to the share, a batch of as many as are missing at a time.
    const candidates = this.byPreference([...this.wanted].filter((each) => !this.held.has(each)));
    while (candidates.length > 0 && this.held.size < share && !this.stopped) {
      const batch = candidates.splice(0, share - this.held.size);
      const taken = await Promise.all(batch.map(async (name) => ({ name, lease: await this.store.acquire(name, this.holder, this.options.ttlMs, now) })));
      for (const { name, lease } of taken) if (lease && !this.held.has(name)) this.grant(name, lease.epoch, now);
    }
  }

  private want(name: string): void {
    if (this.wanted.has(name)) return;
    this.wanted.add(name);
    // A newcomer should not wait a whole renewal interval for its first lease.
    if (this.started && !this.stopped && this.ticking === undefined) this.schedule(0);
  }

  private tenure(name: string, held: Held): LeaseTenure {
    return {
      fence: { lease: name, epoch: held.epoch },
      lost: held.lost.signal,
      surrender: (reason) => {
        if (this.held.get(name) === held) this.lose(name, reason);
      },
    };
  }

  private grant(name: string, epoch: number, now: number): void {
    const held: Held = { epoch, validUntil: now + this.options.ttlMs, lost: new AbortController() };
    this.held.set(name, held);
    this.changed(name, 'acquired');
    this.options.logger.log(`Lease ${name}: acquired by ${this.holder} at epoch ${epoch}`);
    const waiters = this.waiting.get(name);
    this.waiting.delete(name);
    for (const granted of waiters ?? []) granted(this.tenure(name, held));
  }

  private lose(name: string, reason: string): void {
    const held = this.held.get(name);
    if (!held) return;
    this.held.delete(name);
    held.lost.abort();
    this.changed(name, 'lost');
    this.options.logger.warn(`Lease ${name}: lost by ${this.holder} (epoch ${held.epoch}): ${reason}`);
  }

  private async handOver(name: string, now: number): Promise<void> {
    const held = this.held.get(name);
    if (!held) return;
    this.held.delete(name);
    held.lost.abort();
    this.changed(name, 'handed-over');
    this.options.logger.log(`Lease ${name}: handed over by ${this.holder} (epoch ${held.epoch})`);
    await this.store.release(name, this.holder, now);
  }

  private changed(name: string, change: LeaseChange): void {
    this.changeCount += 1;
    const labels = { lease: name, instance: this.options.instanceId };
    this.metrics.held.set(labels, this.held.has(name) ? 1 : 0);
    this.metrics.changes.inc({ ...labels, change });
  }

  /** Each instance prefers the leases in its own order, so instances starting together spread out. */
  private byPreference(names: string[]): string[] {
    const rank = (name: string): number => {
      let hash = 2166136261;
      for (const char of `${this.holder}|${name}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
      return hash;
    };
    return names.sort((a, b) => rank(a) - rank(b));
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: unknown) => this.options.logger.warn(`Leases: ${error instanceof Error ? error.message : String(error)}; trying again`))
        .finally(() => {
          this.ticking = undefined;
          if (!this.stopped) this.schedule(this.renewIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
