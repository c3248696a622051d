// Runs subscribers over the durable catch-up subscription, and answers what the rest of the
// service asks about them: progress for read-your-writes, status for /health and the admin API.
// It runs its own event handlers (sagas, relays) and any group added before start(): the
// projection engine adds the served projections, built blue/green. Plain class; the Nest module
// builds it.
import { Logger } from '@nestjs/common';
import { systemClock, type Clock } from '../clock/clock.js';
import type { EventStore, Position } from '../eventstore/event-store.port.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import { PositionWaiters } from './position-waiters.js';
import { handlerProcessor, type BatchProcessor, type EventHandler } from './subscriber.js';
import { HandlerGroup, type SubscriberGroup, type SubscriberLane, type SubscriberProgress } from './subscriber-group.js';
import {
  DEFAULT_SUBSCRIPTION_OPTIONS,
  SubscriberWorker,
  type SubscriptionLogger,
  type SubscriptionOptions,
  type WorkerContext,
} from './subscriber-worker.js';
import { SubscriptionMetrics } from './subscription-metrics.js';
import { SoleInstanceLeases, type Leases } from '../leases/leases.js';
import { waitForSharedCheckpoints } from './shared-checkpoints.js';
import { SharedTailEventStore, type SharedTailOptions } from '../eventstore/shared-tail/shared-tail-event-store.js';

export interface SubscriptionRunnerConfig {
  eventStore: EventStore;
  readStore: ReadStore;
  handlers?: readonly EventHandler[];
  options?: Partial<SubscriptionOptions>;
  logger?: SubscriptionLogger;
  clock?: Clock;
  /** Which instance runs which subscriber; by default this process runs them all (embedded). */
  leases?: Leases;
  /** The window of recent events the subscribers share (SharedTailEventStore). */
  sharedTail?: SharedTailOptions;
}

/** JSON-ready (positions as strings) for /health and the admin endpoint. */
export interface SubscriberStatus extends LaneReport {
  name: string;
  kind: SubscriberLane['kind'];
  /** Where its checkpoint and parked events are kept (a projection's includes its version). */
  checkpointName: string;
}

/** A lane's progress as reported, JSON-ready. */
export interface LaneReport {
  checkpoint: string | null;
  caughtUp: boolean;
  /** Positions between the head of the log and the checkpoint. */
  lag: number;
  /** Whether this instance runs it now (holds its lease); the checkpoint is the shared one either way. */
  runsHere: boolean;
  parked: number;
  lastError: string | null;
}

export type RunnerState = 'idle' | 'running' | 'stopped';

export class SubscriptionRunner {
  private readonly groups: SubscriberGroup[] = [];
  /** Listed last, as they always were: after the projections. */
  private readonly handlers: HandlerGroup;
  private readonly names = new Set<string>();
  private readonly checkpointNames = new Set<string>();
  private readonly waiters = new PositionWaiters();
  private readonly progressListeners = new Set<() => void>();
  private readonly stopping = new AbortController();
  private currentState: RunnerState = 'idle';
  private readonly context: WorkerContext;
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly log: SubscriptionLogger;
  /** Settles once every group has started (projections: once each knows which build it serves). */
  started: Promise<void> = Promise.resolve();

  constructor(config: SubscriptionRunnerConfig) {
    this.eventStore = config.eventStore;
    this.readStore = config.readStore;
    this.log = config.logger ?? new Logger('Subscriptions');
    this.context = {
      // Every subscriber of the runner follows one read of the live end of the log; one behind it
      // (a rebuild, a restart, a slow or parked one) reads on its own until it catches up.
      eventStore: new SharedTailEventStore(config.eventStore, config.sharedTail),
      readStore: config.readStore,
      metrics: new SubscriptionMetrics(),
      logger: this.log,
      clock: config.clock ?? systemClock,
      options: { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...config.options },
      leases: config.leases ?? new SoleInstanceLeases('local'),
      onCheckpoint: () => this.progressed(),
      onCaughtUp: () => this.progressed(),
    };
    this.handlers = new HandlerGroup((config.handlers ?? []).map((handler) => this.worker(handlerProcessor(handler))));
    this.claim(this.handlers);
    this.context.metrics.reportParkedFrom(() => this.status());
  }

  get state(): RunnerState {
    return this.currentState;
  }

  get clock(): Clock {
    return this.context.clock;
  }

  get options(): SubscriptionOptions {
    return this.context.options;
  }

  get leases(): Leases {
    return this.context.leases;
  }

  /** Aborted when the runner stops: a group's back-off ends with it. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Adds a group of subscribers (before start()); its names and checkpoints must be new. */
  add(group: SubscriberGroup): void {
    if (this.currentState !== 'idle') throw new Error(`Subscribers cannot be added: the runner is ${this.currentState}`);
    this.claim(group);
    this.groups.push(group);
  }

  /** A worker with this runner's stores, metrics and options, whose progress wakes the waits. */
  worker(processor: BatchProcessor): SubscriberWorker {
    return new SubscriberWorker(processor, this.context);
  }

  /** Starting happens after awaits: a runner stopped meanwhile starts nothing more. */
  startWorker(worker: SubscriberWorker): void {
    if (this.currentState === 'running') worker.start();
  }

  /** Starts every subscriber in the background; returns at once (`started` tells when all run). */
  start(): void {
    if (this.currentState !== 'idle') throw new Error(`The subscription runner cannot start: it is ${this.currentState}`);
    this.currentState = 'running';
    this.started = Promise.all(this.allGroups().map((group) => group.start())).then(() => undefined);
  }

  /** Lets each in-flight batch commit, ends the subscriptions, answers pending waits with false. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    const wasRunning = this.currentState === 'running';
    this.currentState = 'stopped';
    this.stopping.abort();
    this.waiters.cancelAll();
    // Not unbounded: a read store that does not answer may hold the start-up for long; whatever
    // it has not started yet will not start now (startWorker).
    if (wasRunning) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.started.catch(() => undefined), new Promise((done) => (timer = setTimeout(done, 1_000)))]);
      clearTimeout(timer);
    }
    await Promise.all(this.allGroups().flatMap((group) => group.workers()).map((worker) => worker.stop()));
  }

  get subscriberNames(): string[] {
    return this.allGroups().flatMap((group) => group.names);
  }

  progress(name: string): SubscriberProgress {
    return this.groupOf(name).progress(name);
  }

  /**
   * Read-your-writes: true as soon as every named subscriber's checkpoint is at or past
   * `position`, false after `timeoutMs` (or when the runner stops). Unknown names throw.
   * For a projection it is the serving build's checkpoint: that is what queries read.
   */
  waitForPosition(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    try {
      for (const name of names) this.groupOf(name);
    } catch (error) {
      return Promise.reject(error);
    }
    const reached = (): boolean =>
      names.every((name) => {
        const checkpoint = this.progress(name).checkpoint;
        return checkpoint !== undefined && checkpoint >= position;
      });
    if (this.currentState === 'stopped') return Promise.resolve(reached());
    // Several instances: what runs elsewhere moves only in the store; a wait reads it there.
    if (this.context.leases.shared) {
      const checkpointNames = names.map((name) => this.groupOf(name).lanes().find((lane) => lane.name === name && lane.kind !== 'projection-build')!.checkpointName);
      return waitForSharedCheckpoints(this.readStore, checkpointNames, position, { timeoutMs, isMet: reached, stop: this.stopSignal });
    }
    return this.waiters.wait(reached, timeoutMs);
  }

  /**
   * Calls `listener` after every checkpoint move of any subscriber (a worker that reads a read
   * model polls again: the commit may have brought it work). Returns the unsubscribe function.
   */
  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Wakes the waits after a group changed what a name's progress means (a switch-over). */
  recheck(): void {
    this.waiters.recheck();
  }

  async status(): Promise<SubscriberStatus[]> {
    const head = await this.head();
    return Promise.all(
      this.allGroups().flatMap((group) => group.lanes()).map(async (lane) => ({
        name: lane.name, kind: lane.kind, checkpointName: lane.checkpointName, ...(await this.report(lane, head)),
      })),
    );
  }

  /**
   * Processes a parked event again by the subscriber that parked it. Undefined on success, else
   * why not: it fails again, or no worker runs that checkpoint (a build no longer served).
   */
  async retryParked(checkpointName: string, position: Position): Promise<{ failure: string } | undefined> {
    const worker = this.allGroups().flatMap((group) => group.lanes()).find((lane) => lane.checkpointName === checkpointName)?.worker;
    if (worker === undefined) return { failure: `No subscriber runs ${checkpointName} now` };
    const [event] = await this.eventStore.readAll({ after: position > 0n ? position - 1n : undefined, maxCount: 1 });
    if (event?.position !== position) return { failure: `The log has no event at position ${position}` };
    return worker.retryParked(event);
  }

  async head(): Promise<Position> {
    return (await this.eventStore.headPosition()) ?? 0n;
  }

  /** A lane's checkpoint, lag behind `head` and parked events, as status reports them. */
  async report(lane: Pick<SubscriberLane, 'checkpointName' | 'checkpoint' | 'worker'>, head: Position): Promise<LaneReport> {
    const runsHere = lane.worker?.holding ?? false;
    // Run by another instance: its checkpoint moves in the store, not here.
    const checkpoint = this.context.leases.shared && !runsHere ? await this.readStore.getCheckpoint(lane.checkpointName) : lane.checkpoint;
    const lag = head - (checkpoint ?? 0n);
    return {
      checkpoint: checkpoint?.toString() ?? null,
      runsHere,
      caughtUp: lane.worker?.caughtUp ?? false,
      lag: Number(lag > 0n ? lag : 0n),
      parked: (await this.readStore.listParked(lane.checkpointName)).length,
      lastError: lane.worker?.lastError ?? null,
    };
  }

  private allGroups(): SubscriberGroup[] {
    return [...this.groups, this.handlers];
  }

  private claim(group: SubscriberGroup): void {
    for (const { name, checkpointName } of group.lanes()) {
      if (this.names.has(name) || this.checkpointNames.has(checkpointName)) throw new Error(`Two subscribers are named ${name}`);
      this.names.add(name);
      this.checkpointNames.add(checkpointName);
    }
  }

  private groupOf(name: string): SubscriberGroup {
    const group = this.allGroups().find((each) => each.names.includes(name));
    if (!group) throw new Error(`No subscriber is named ${name}`);
    return group;
  }

  private progressed(): void {
    this.waiters.recheck();
    for (const listener of this.progressListeners) listener();
    for (const group of this.groups) group.progressed?.();
  }
}
