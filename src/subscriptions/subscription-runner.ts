// Runs every subscriber (projections and generic handlers) over the durable catch-up
// subscription, and answers what the rest of the service asks about them: progress for
// read-your-writes, status for /health and the admin API. Plain class; the Nest module builds it.
//
// Projections are blue/green: each has a serving build (the one queries read, through the
// ProjectionRegistry) and at most one build in progress. A rebuild, or a version bump found at
// start, fills a fresh collection from the start of the log while the serving build keeps
// answering; once the new build has caught up with the live log (and with the serving build),
// the registry switches to it, the old build stops and its collection is dropped.
import { Logger } from '@nestjs/common';
import { systemClock, type Clock } from '../clock/clock.js';
import type { EventStore, Position } from '../eventstore/event-store.port.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import { backOffDelay, sleep } from '../scheduling/back-off.js';
import { PositionWaiters } from './position-waiters.js';
import type { DocumentProjection } from './projection.js';
import { projectionBuild, projectionForBuild, sameBuild, type ProjectionBuild } from './projection-build.js';
import { ProjectionRegistry, type RegistryEntry } from './projection-registry.js';
import { handlerProcessor, projectionProcessor, type EventHandler } from './subscriber.js';
import {
  DEFAULT_SUBSCRIPTION_OPTIONS,
  SubscriberWorker,
  type SubscriptionLogger,
  type SubscriptionOptions,
  type WorkerContext,
} from './subscriber-worker.js';
import { SubscriptionMetrics } from './subscription-metrics.js';

export interface SubscriptionRunnerConfig {
  eventStore: EventStore;
  readStore: ReadStore;
  projections?: readonly DocumentProjection[];
  handlers?: readonly EventHandler[];
  options?: Partial<SubscriptionOptions>;
  logger?: SubscriptionLogger;
  clock?: Clock;
  /** Shared with the queries' read store (ServingReadStore); one is made if not given. */
  registry?: ProjectionRegistry;
}

/** JSON-ready (positions as strings) for /health and the admin endpoint. */
export interface SubscriberStatus {
  name: string;
  /** 'projection-build': a build of a projection in progress, not serving yet. */
  kind: 'projection' | 'handler' | 'projection-build';
  /** Where its checkpoint and parked events are kept (a projection's includes its version). */
  checkpointName: string;
  checkpoint: string | null;
  caughtUp: boolean;
  /** Positions between the head of the log and the checkpoint. */
  lag: number;
  parked: number;
  lastError: string | null;
}

export interface SubscriberProgress {
  checkpoint: Position | undefined;
  caughtUp: boolean;
}

/** A projection's builds, for the analysts' API and CLI. */
export interface ProjectionStatus {
  name: string;
  declaredVersion: number;
  serving: BuildStatus;
  building: BuildStatus | null;
}

export interface BuildStatus extends ProjectionBuild {
  checkpoint: string | null;
  caughtUp: boolean;
  lag: number;
  parked: number;
  lastError: string | null;
  /** False for an old version whose code is gone: it answers queries, frozen, until the new build takes over. */
  running: boolean;
}

interface Serving {
  build: ProjectionBuild;
  /** Undefined when this build's code is no longer in the service (a version bump): frozen. */
  worker: SubscriberWorker | undefined;
  frozenCheckpoint?: Position;
}

interface ProjectionSlot {
  projection: DocumentProjection;
  serving: Serving;
  building: { build: ProjectionBuild; worker: SubscriberWorker } | undefined;
  switching: boolean;
}

export class SubscriptionRunner {
  private readonly handlers = new Map<string, SubscriberWorker>();
  private readonly slots = new Map<string, ProjectionSlot>();
  private readonly waiters = new PositionWaiters();
  private readonly stopping = new AbortController();
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private readonly eventStore: EventStore;
  private readonly readStore: ReadStore;
  private readonly context: WorkerContext;
  private readonly log: SubscriptionLogger;
  readonly registry: ProjectionRegistry;
  /** Settles once every projection knows which build it serves (after start()). */
  started: Promise<void> = Promise.resolve();

  constructor(config: SubscriptionRunnerConfig) {
    this.eventStore = config.eventStore;
    this.readStore = config.readStore;
    this.registry = config.registry ?? new ProjectionRegistry(config.readStore);
    this.log = config.logger ?? new Logger('Subscriptions');
    this.context = {
      eventStore: config.eventStore,
      readStore: config.readStore,
      metrics: new SubscriptionMetrics(),
      logger: this.log,
      clock: config.clock ?? systemClock,
      options: { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...config.options },
      onCheckpoint: () => this.progressed(),
      onCaughtUp: () => this.progressed(),
    };
    const names = new Set<string>();
    const checkpoints = new Set<string>();
    const claim = (name: string, checkpointName: string) => {
      if (names.has(name) || checkpoints.has(checkpointName)) throw new Error(`Two subscribers are named ${name}`);
      names.add(name);
      checkpoints.add(checkpointName);
    };
    for (const projection of config.projections ?? []) {
      // Until start() has read the registry, build 0 of the declared version is assumed.
      const build = projectionBuild(projection, 0);
      claim(projection.name, build.checkpointName);
      this.registry.declare(projection);
      this.slots.set(projection.name, { projection, serving: { build, worker: this.projectionWorker(projection, build) }, building: undefined, switching: false });
    }
    for (const handler of config.handlers ?? []) {
      const processor = handlerProcessor(handler);
      claim(processor.name, processor.checkpointName);
      this.handlers.set(processor.name, new SubscriberWorker(processor, this.context));
    }
  }

  /** Starts every subscriber in the background; returns at once (`started` tells when projections run). */
  start(): void {
    if (this.state !== 'idle') throw new Error(`The subscription runner cannot start: it is ${this.state}`);
    this.state = 'running';
    for (const worker of this.handlers.values()) worker.start();
    this.started = this.startProjectionsWithRetries();
  }

  /** Lets each in-flight batch commit, ends the subscriptions, answers pending waits with false. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    this.stopping.abort();
    this.waiters.cancelAll();
    // Not unbounded: a read store that does not answer may hold the start-up for long; whatever
    // it has not started yet will not start now (startWorker).
    if (wasRunning) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.started.catch(() => undefined), new Promise((done) => (timer = setTimeout(done, 1_000)))]);
      clearTimeout(timer);
    }
    const workers = [...this.handlers.values()];
    for (const slot of this.slots.values()) {
      if (slot.serving.worker) workers.push(slot.serving.worker);
      if (slot.building) workers.push(slot.building.worker);
    }
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  get subscriberNames(): string[] {
    return [...this.slots.keys(), ...this.handlers.keys()];
  }

  get projectionNames(): string[] {
    return [...this.slots.keys()];
  }

  progress(name: string): SubscriberProgress {
    const slot = this.slots.get(name);
    if (slot) return { checkpoint: this.servingCheckpoint(slot), caughtUp: slot.serving.worker?.caughtUp ?? false };
    const worker = this.handler(name);
    return { checkpoint: worker.checkpoint, caughtUp: worker.caughtUp };
  }

  /**
   * Read-your-writes: true as soon as every named subscriber's checkpoint is at or past
   * `position`, false after `timeoutMs` (or when the runner stops). Unknown names throw.
   * For a projection it is the serving build's checkpoint: that is what queries read.
   */
  waitForPosition(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    try {
      for (const name of names) if (!this.slots.has(name)) this.handler(name);
    } catch (error) {
      return Promise.reject(error);
    }
    const reached = (): boolean =>
      names.every((name) => {
        const checkpoint = this.progress(name).checkpoint;
        return checkpoint !== undefined && checkpoint >= position;
      });
    if (this.state === 'stopped') return Promise.resolve(reached());
    return this.waiters.wait(reached, timeoutMs);
  }

  async status(): Promise<SubscriberStatus[]> {
    const head = (await this.eventStore.headPosition()) ?? 0n;
    const entry = async (name: string, kind: SubscriberStatus['kind'], checkpointName: string, checkpoint: Position | undefined, worker: SubscriberWorker | undefined): Promise<SubscriberStatus> => {
      const lag = head - (checkpoint ?? 0n);
      return {
        name, kind, checkpointName,
        checkpoint: checkpoint?.toString() ?? null,
        caughtUp: worker?.caughtUp ?? false,
        lag: Number(lag > 0n ? lag : 0n),
        parked: (await this.readStore.listParked(checkpointName)).length,
        lastError: worker?.lastError ?? null,
      };
    };
    const statuses: Promise<SubscriberStatus>[] = [];
    for (const [name, slot] of this.slots) {
      statuses.push(entry(name, 'projection', slot.serving.build.checkpointName, this.servingCheckpoint(slot), slot.serving.worker));
      const building = slot.building;
      if (building) statuses.push(entry(name, 'projection-build', building.build.checkpointName, building.worker.checkpoint, building.worker));
    }
    for (const [name, worker] of this.handlers) statuses.push(entry(name, 'handler', worker.processor.checkpointName, worker.checkpoint, worker));
    return Promise.all(statuses);
  }

  async projectionStatus(): Promise<ProjectionStatus[]> {
    const head = (await this.eventStore.headPosition()) ?? 0n;
    const describe = async (build: ProjectionBuild, checkpoint: Position | undefined, worker: SubscriberWorker | undefined): Promise<BuildStatus> => {
      const lag = head - (checkpoint ?? 0n);
      return {
        ...build,
        checkpoint: checkpoint?.toString() ?? null,
        caughtUp: worker?.caughtUp ?? false,
        lag: Number(lag > 0n ? lag : 0n),
        parked: (await this.readStore.listParked(build.checkpointName)).length,
        lastError: worker?.lastError ?? null,
        running: worker !== undefined,
      };
    };
    return Promise.all(
      [...this.slots.entries()].map(async ([name, slot]) => ({
        name,
        declaredVersion: slot.projection.version,
        serving: await describe(slot.serving.build, this.servingCheckpoint(slot), slot.serving.worker),
        building: slot.building ? await describe(slot.building.build, slot.building.worker.checkpoint, slot.building.worker) : null,
      })),
    );
  }

  /**
   * Starts a blue/green rebuild of a projection (its declared version, next build number) and
   * answers at once; one already in progress is left to finish. Progress: projectionStatus().
   */
  async rebuild(name: string): Promise<ProjectionStatus> {
    if (this.state !== 'running') throw new Error(`Cannot rebuild while the runner is ${this.state}`);
    await this.started;
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    if (!slot.building) {
      const entry = this.registry.entry(name) ?? this.implicitEntry(slot);
      const build = projectionBuild(slot.projection, entry.lastBuild + 1);
      await this.startBuild(slot, build, { ...entry, building: build, lastBuild: build.build });
    }
    return (await this.projectionStatus()).find((status) => status.name === name)!;
  }

  private projectionWorker(projection: DocumentProjection, build: ProjectionBuild): SubscriberWorker {
    return new SubscriberWorker(projectionProcessor(projectionForBuild(projection, build), this.readStore, build.checkpointName), this.context);
  }

  private servingCheckpoint(slot: ProjectionSlot): Position | undefined {
    return slot.serving.worker ? slot.serving.worker.checkpoint : slot.serving.frozenCheckpoint;
  }

  /** Like a subscriber's outage: a read store that cannot be read yet is waited out with back-off. */
  private async startProjectionsWithRetries(): Promise<void> {
    for (let attempt = 1; this.state === 'running'; attempt++) {
      try {
        await this.startProjections();
        return;
      } catch (error) {
        const delay = backOffDelay(this.context.options.resubscribeBackOff, attempt);
        this.log.warn(`Projections could not start: ${(error as Error).message}; trying again in ${delay} ms`);
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  /** What a projection without a registry entry serves: build 0 of the declared version. */
  private implicitEntry(slot: ProjectionSlot): RegistryEntry {
    return { active: projectionBuild(slot.projection, 0), building: null, lastBuild: 0, switchedAt: null };
  }

  /**
   * Without a registry entry, an older version's checkpoint means the version was bumped (this
   * also covers data written before blue/green existed); its collection is found by the naming
   * convention `<name>_v<version>`.
   */
  private async olderBuild(projection: DocumentProjection): Promise<ProjectionBuild | undefined> {
    const suffix = `_v${projection.version}`;
    if (!projection.collection.name.endsWith(suffix)) return undefined;
    if ((await this.readStore.getCheckpoint(projectionBuild(projection, 0).checkpointName)) !== undefined) return undefined;
    for (let version = projection.version - 1; version >= 1; version--) {
      const older = { name: projection.name, version, collection: { name: `${projection.collection.name.slice(0, -suffix.length)}_v${version}` } };
      const build = projectionBuild(older, 0);
      if ((await this.readStore.getCheckpoint(build.checkpointName)) !== undefined) return build;
    }
    return undefined;
  }

  /** Reads the registry and starts each projection's serving build and any build in progress. */
  private async startProjections(): Promise<void> {
    await this.registry.load();
    for (const [name, slot] of this.slots) {
      if (this.state !== 'running') return;
      const declared = slot.projection;
      let entry = this.registry.entry(name);
      if (!entry) {
        const older = await this.olderBuild(declared);
        if (!older) {
          // Nothing older to serve: build 0 serves at once, and nothing needs recording until a rebuild.
          this.startWorker(slot.serving.worker!);
          continue;
        }
        entry = { active: older, building: null, lastBuild: 0, switchedAt: null };
      }
      let next: RegistryEntry = entry;
      if (entry.active.version === declared.version) {
        if (!sameBuild(entry.active, slot.serving.build)) slot.serving = { build: entry.active, worker: this.projectionWorker(declared, entry.active) };
        this.startWorker(slot.serving.worker!);
      } else {
        // A version bump: the old build's code is gone, so it serves as it stands until the new one takes over.
        slot.serving = { build: entry.active, worker: undefined, frozenCheckpoint: await this.readStore.getCheckpoint(entry.active.checkpointName) };
        this.log.log(`Projection ${name}: v${entry.active.version} serves (frozen) while v${declared.version} is built`);
      }
      const resumable = entry.building !== null && entry.building.version === declared.version;
      if (entry.building !== null && !resumable) {
        await this.discard(entry.building);
        next = { ...next, building: null };
      }
      if (resumable) {
        slot.building = { build: entry.building!, worker: this.projectionWorker(declared, entry.building!) };
        this.startWorker(slot.building.worker);
      } else if (entry.active.version !== declared.version) {
        // Never build 0: its collection is the declared name, which reads resolve to the serving build.
        const build = projectionBuild(declared, entry.lastBuild + 1);
        await this.startBuild(slot, build, { ...next, building: build, lastBuild: build.build });
        continue;
      }
      if (next !== entry) await this.registry.save(name, next);
    }
    this.waiters.recheck();
  }

  /** Starting happens after awaits: a runner stopped meanwhile starts nothing more. */
  private startWorker(worker: SubscriberWorker): void {
    if (this.state === 'running') worker.start();
  }

  private async startBuild(slot: ProjectionSlot, build: ProjectionBuild, entry: RegistryEntry): Promise<void> {
    // Whatever an interrupted build of the same name left behind is started over.
    await this.discard(build);
    await this.registry.save(slot.projection.name, entry);
    slot.building = { build, worker: this.projectionWorker(slot.projection, build) };
    this.log.log(`Projection ${slot.projection.name}: building v${build.version} #${build.build} into ${build.collection}`);
    this.startWorker(slot.building.worker);
  }

  private async discard(build: ProjectionBuild): Promise<void> {
    await this.readStore.dropCollection(build.collection);
    await this.readStore.resetCheckpoint(build.checkpointName);
  }

  private progressed(): void {
    this.waiters.recheck();
    for (const slot of this.slots.values()) {
      const building = slot.building;
      if (!building || slot.switching || this.state !== 'running' || !building.worker.caughtUp) continue;
      const serving = this.servingCheckpoint(slot);
      const built = building.worker.checkpoint;
      // Caught up with the live log, and not behind what queries see now.
      if (slot.serving.worker && serving !== undefined && (built === undefined || built < serving)) continue;
      slot.switching = true;
      this.switchOver(slot).catch((error: unknown) => this.log.error(`Projection ${slot.projection.name}: switch-over failed: ${(error as Error).message}`))
        .finally(() => (slot.switching = false));
    }
  }

  private async switchOver(slot: ProjectionSlot): Promise<void> {
    const building = slot.building!;
    const old = slot.serving;
    const entry = this.registry.entry(slot.projection.name) ?? this.implicitEntry(slot);
    // Queries follow the registry, which changes in memory before anything awaits.
    const saving = this.registry.save(slot.projection.name, {
      active: building.build, building: null, lastBuild: Math.max(entry.lastBuild, building.build.build), switchedAt: this.context.clock.now().toISOString(),
    });
    slot.serving = { build: building.build, worker: building.worker };
    slot.building = undefined;
    this.waiters.recheck();
    await saving;
    this.log.log(`Projection ${slot.projection.name}: v${building.build.version} #${building.build.build} took over at position ${building.worker.checkpoint ?? 'start'}; ${old.build.collection} dropped`);
    await old.worker?.stop();
    await this.discard(old.build);
  }

  private handler(name: string): SubscriberWorker {
    const worker = this.handlers.get(name);
    if (!worker) throw new Error(`No subscriber is named ${name}`);
    return worker;
  }
}

export class UnknownProjectionError extends Error {
  readonly code = 'projection_not_found';
  constructor(readonly projection: string) {
    super(`No projection is named ${projection}`);
    this.name = 'UnknownProjectionError';
  }
}
