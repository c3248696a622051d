// Runs every subscriber (projections and generic handlers) over the durable catch-up
// subscription, and answers what the rest of the service asks about them: progress for
// read-your-writes, status for /health and the admin API. Plain class; the Nest module builds it.
import { Logger } from '@nestjs/common';
import { systemClock, type Clock } from '../clock/clock.js';
import type { EventStore, Position } from '../eventstore/event-store.port.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import { PositionWaiters } from './position-waiters.js';
import type { DocumentProjection } from './projection.js';
import { handlerProcessor, projectionProcessor, type BatchProcessor, type EventHandler } from './subscriber.js';
import {
  DEFAULT_SUBSCRIPTION_OPTIONS,
  SubscriberWorker,
  type SubscriptionLogger,
  type SubscriptionOptions,
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
}

/** JSON-ready (positions as strings) for /health and the admin endpoint. */
export interface SubscriberStatus {
  name: string;
  kind: 'projection' | 'handler';
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

export class SubscriptionRunner {
  private readonly workers = new Map<string, SubscriberWorker>();
  private readonly kinds = new Map<string, SubscriberStatus['kind']>();
  private readonly waiters = new PositionWaiters();
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private readonly eventStore: EventStore;
  private readonly readStore: ReadStore;

  constructor(config: SubscriptionRunnerConfig) {
    this.eventStore = config.eventStore;
    this.readStore = config.readStore;
    const context = {
      eventStore: config.eventStore,
      readStore: config.readStore,
      metrics: new SubscriptionMetrics(),
      logger: config.logger ?? new Logger('Subscriptions'),
      clock: config.clock ?? systemClock,
      options: { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...config.options },
      onCheckpoint: () => this.waiters.recheck(),
    };
    const add = (processor: BatchProcessor, kind: SubscriberStatus['kind']): void => {
      const clash = [...this.workers.values()].some((w) => w.processor.checkpointName === processor.checkpointName);
      if (this.workers.has(processor.name) || clash) throw new Error(`Two subscribers are named ${processor.name}`);
      this.workers.set(processor.name, new SubscriberWorker(processor, context));
      this.kinds.set(processor.name, kind);
    };
    for (const projection of config.projections ?? []) add(projectionProcessor(projection, config.readStore), 'projection');
    for (const handler of config.handlers ?? []) add(handlerProcessor(handler), 'handler');
  }

  /** Starts every subscriber in the background; returns at once. */
  start(): void {
    if (this.state !== 'idle') throw new Error(`The subscription runner cannot start: it is ${this.state}`);
    this.state = 'running';
    for (const worker of this.workers.values()) worker.start();
  }

  /** Lets each in-flight batch commit, ends the subscriptions, answers pending waits with false. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.waiters.cancelAll();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }

  get subscriberNames(): string[] {
    return [...this.workers.keys()];
  }

  progress(name: string): SubscriberProgress {
    const worker = this.worker(name);
    return { checkpoint: worker.checkpoint, caughtUp: worker.caughtUp };
  }

  /**
   * Read-your-writes: true as soon as every named subscriber's checkpoint is at or past
   * `position`, false after `timeoutMs` (or when the runner stops). Unknown names throw.
   */
  waitForPosition(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    let workers: SubscriberWorker[];
    try {
      workers = names.map((name) => this.worker(name));
    } catch (error) {
      return Promise.reject(error);
    }
    const reached = (): boolean => workers.every((w) => w.checkpoint !== undefined && w.checkpoint >= position);
    if (this.state === 'stopped') return Promise.resolve(reached());
    return this.waiters.wait(reached, timeoutMs);
  }

  async status(): Promise<SubscriberStatus[]> {
    const head = (await this.eventStore.headPosition()) ?? 0n;
    return Promise.all(
      [...this.workers.entries()].map(async ([name, worker]) => {
        const lag = head - (worker.checkpoint ?? 0n);
        return {
          name,
          kind: this.kinds.get(name)!,
          checkpointName: worker.processor.checkpointName,
          checkpoint: worker.checkpoint?.toString() ?? null,
          caughtUp: worker.caughtUp,
          lag: Number(lag > 0n ? lag : 0n),
          parked: (await this.readStore.listParked(worker.processor.checkpointName)).length,
          lastError: worker.lastError ?? null,
        };
      }),
    );
  }

  private worker(name: string): SubscriberWorker {
    const worker = this.workers.get(name);
    if (!worker) throw new Error(`No subscriber is named ${name}`);
    return worker;
  }
}
