// The served projections as one group of the subscription runner, built blue/green: each has a
// serving build (the one queries read, through the ProjectionRegistry) and at most one build in
// progress. A rebuild, or a version bump found at start, fills a fresh collection from the start
// of the log while the serving build keeps answering; once the new build has caught up with the
// live log (and with the serving build), the registry switches to it, the old build stops and its
// collection is dropped.
import type { Position } from '../eventstore/event-store.port.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import { backOffDelay, sleep } from '../scheduling/back-off.js';
import type { SubscriberGroup, SubscriberLane, SubscriberProgress } from '../subscriptions/subscriber-group.js';
import type { SubscriberWorker } from '../subscriptions/subscriber-worker.js';
import type { LaneReport, SubscriptionRunner } from '../subscriptions/subscription-runner.js';
import type { DocumentProjection } from './projection.js';
import { projectionBuild, projectionForBuild, sameBuild, type ProjectionBuild } from './projection-build.js';
import { projectionProcessor } from './projection-engine.js';
import { ProjectionRegistry, type RegistryEntry } from './projection-registry.js';

/** A projection's builds, for the analysts' API and CLI. */
export interface ProjectionStatus {
  name: string;
  declaredVersion: number;
  serving: BuildStatus;
  building: BuildStatus | null;
}

export interface BuildStatus extends ProjectionBuild, LaneReport {
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

export class BlueGreenProjections implements SubscriberGroup {
  private readonly slots = new Map<string, ProjectionSlot>();
  private readonly readStore: ReadStore;

  /**
   * Adds the projections to the runner (before it starts). The registry is shared with the
   * queries' read store (ServingReadStore); one is made if not given.
   */
  static addTo(runner: SubscriptionRunner, projections: readonly DocumentProjection[], registry = new ProjectionRegistry(runner.readStore)): BlueGreenProjections {
    const group = new BlueGreenProjections(runner, projections, registry);
    runner.add(group);
    return group;
  }

  private constructor(
    private readonly runner: SubscriptionRunner,
    projections: readonly DocumentProjection[],
    readonly registry: ProjectionRegistry,
  ) {
    // Builds and checkpoints use the physical collection names: the store unwrapped.
    this.readStore = runner.readStore;
    for (const projection of projections) {
      if (this.slots.has(projection.name)) throw new Error(`Two subscribers are named ${projection.name}`);
      // Until start() has read the registry, build 0 of the declared version is assumed.
      const build = projectionBuild(projection, 0);
      this.registry.declare(projection);
      this.slots.set(projection.name, { projection, serving: { build, worker: this.projectionWorker(projection, build) }, building: undefined, switching: false });
    }
  }

  get names(): string[] {
    return [...this.slots.keys()];
  }

  progress(name: string): SubscriberProgress {
    const slot = this.slots.get(name)!;
    return { checkpoint: this.servingCheckpoint(slot), caughtUp: slot.serving.worker?.caughtUp ?? false };
  }

  lanes(): SubscriberLane[] {
    return [...this.slots].flatMap(([name, slot]): SubscriberLane[] => [
      { name, kind: 'projection', checkpointName: slot.serving.build.checkpointName, checkpoint: this.servingCheckpoint(slot), worker: slot.serving.worker },
      ...(slot.building ? [{ name, kind: 'projection-build' as const, checkpointName: slot.building.build.checkpointName, checkpoint: slot.building.worker.checkpoint, worker: slot.building.worker }] : []),
    ]);
  }

  workers(): SubscriberWorker[] {
    return [...this.slots.values()].flatMap((slot) => [slot.serving.worker, slot.building?.worker].filter((worker) => worker !== undefined));
  }

  /** Like a subscriber's outage: a read store that cannot be read yet is waited out with back-off. */
  async start(): Promise<void> {
    for (let attempt = 1; this.runner.state === 'running'; attempt++) {
      try {
        await this.startProjections();
        return;
      } catch (error) {
        const delay = backOffDelay(this.runner.options.resubscribeBackOff, attempt);
        this.runner.log.warn(`Projections could not start: ${(error as Error).message}; trying again in ${delay} ms`);
        await sleep(delay, this.runner.stopSignal);
      }
    }
  }

  async projectionStatus(): Promise<ProjectionStatus[]> {
    const head = await this.runner.head();
    const describe = async (build: ProjectionBuild, checkpoint: Position | undefined, worker: SubscriberWorker | undefined): Promise<BuildStatus> => ({
      ...build,
      ...(await this.runner.report({ checkpointName: build.checkpointName, checkpoint, worker }, head)),
      running: worker !== undefined,
    });
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
    if (this.runner.state !== 'running') throw new Error(`Cannot rebuild while the runner is ${this.runner.state}`);
    await this.runner.started;
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    if (!slot.building) {
      const entry = this.registry.entry(name) ?? this.implicitEntry(slot);
      const build = projectionBuild(slot.projection, entry.lastBuild + 1);
      await this.startBuild(slot, build, { ...entry, building: build, lastBuild: build.build });
    }
    return (await this.projectionStatus()).find((status) => status.name === name)!;
  }

  /** A build that has caught up with the live log, and with what queries see now, takes over. */
  progressed(): void {
    for (const slot of this.slots.values()) {
      const building = slot.building;
      if (!building || slot.switching || this.runner.state !== 'running' || !building.worker.caughtUp) continue;
      const serving = this.servingCheckpoint(slot);
      const built = building.worker.checkpoint;
      if (slot.serving.worker && serving !== undefined && (built === undefined || built < serving)) continue;
      slot.switching = true;
      this.switchOver(slot).catch((error: unknown) => this.runner.log.error(`Projection ${slot.projection.name}: switch-over failed: ${(error as Error).message}`))
        .finally(() => (slot.switching = false));
    }
  }

  private projectionWorker(projection: DocumentProjection, build: ProjectionBuild): SubscriberWorker {
    return this.runner.worker(projectionProcessor(projectionForBuild(projection, build), this.readStore, build.checkpointName));
  }

  private servingCheckpoint(slot: ProjectionSlot): Position | undefined {
    return slot.serving.worker ? slot.serving.worker.checkpoint : slot.serving.frozenCheckpoint;
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
      if (this.runner.state !== 'running') return;
      const declared = slot.projection;
      let entry = this.registry.entry(name);
      if (!entry) {
        const older = await this.olderBuild(declared);
        if (!older) {
          // Nothing older to serve: build 0 serves at once, and nothing needs recording until a rebuild.
          this.runner.startWorker(slot.serving.worker!);
          continue;
        }
        entry = { active: older, building: null, lastBuild: 0, switchedAt: null };
      }
      let next: RegistryEntry = entry;
      if (entry.active.version === declared.version) {
        if (!sameBuild(entry.active, slot.serving.build)) slot.serving = { build: entry.active, worker: this.projectionWorker(declared, entry.active) };
        this.runner.startWorker(slot.serving.worker!);
      } else {
        // A version bump: the old build's code is gone, so it serves as it stands until the new one takes over.
        slot.serving = { build: entry.active, worker: undefined, frozenCheckpoint: await this.readStore.getCheckpoint(entry.active.checkpointName) };
        this.runner.log.log(`Projection ${name}: v${entry.active.version} serves (frozen) while v${declared.version} is built`);
      }
      const resumable = entry.building !== null && entry.building.version === declared.version;
      if (entry.building !== null && !resumable) {
        await this.discard(entry.building);
        next = { ...next, building: null };
      }
      if (resumable) {
        slot.building = { build: entry.building!, worker: this.projectionWorker(declared, entry.building!) };
        this.runner.startWorker(slot.building.worker);
      } else if (entry.active.version !== declared.version) {
        // Never build 0: its collection is the declared name, which reads resolve to the serving build.
        const build = projectionBuild(declared, entry.lastBuild + 1);
        await this.startBuild(slot, build, { ...next, building: build, lastBuild: build.build });
        continue;
      }
      if (next !== entry) await this.registry.save(name, next);
    }
    this.runner.recheck();
  }

  private async startBuild(slot: ProjectionSlot, build: ProjectionBuild, entry: RegistryEntry): Promise<void> {
    // Whatever an interrupted build of the same name left behind is started over.
    await this.discard(build);
    await this.registry.save(slot.projection.name, entry);
    slot.building = { build, worker: this.projectionWorker(slot.projection, build) };
    this.runner.log.log(`Projection ${slot.projection.name}: building v${build.version} #${build.build} into ${build.collection}`);
    this.runner.startWorker(slot.building.worker);
  }

  private async discard(build: ProjectionBuild): Promise<void> {
    await this.readStore.dropCollection(build.collection);
    await this.readStore.resetCheckpoint(build.checkpointName);
  }

  private async switchOver(slot: ProjectionSlot): Promise<void> {
    const building = slot.building!;
    const old = slot.serving;
    const entry = this.registry.entry(slot.projection.name) ?? this.implicitEntry(slot);
    // Queries follow the registry, which changes in memory before anything awaits.
    const saving = this.registry.save(slot.projection.name, {
      active: building.build, building: null, lastBuild: Math.max(entry.lastBuild, building.build.build), switchedAt: this.runner.clock.now().toISOString(),
    });
    slot.serving = { build: building.build, worker: building.worker };
    slot.building = undefined;
    this.runner.recheck();
    await saving;
    this.runner.log.log(`Projection ${slot.projection.name}: v${building.build.version} #${building.build.build} took over at position ${building.worker.checkpoint ?? 'start'}; ${old.build.collection} dropped`);
    await old.worker?.stop();
    await this.discard(old.build);
  }
}

export class UnknownProjectionError extends Error {
  readonly code = 'projection_not_found';
  constructor(readonly projection: string) {
    super(`No projection is named ${projection}`);
    this.name = 'UnknownProjectionError';
  }
}
