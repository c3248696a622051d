// Test fixture for the runner's and the blue/green builds' integration specs: real
// SqliteEventStore and EmbeddedReadStore files in a temp dir, a runner with tiny back-offs, and
// a logger that records what it is told.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import type { EventStore, Position } from '../../src/eventstore/event-store.port.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqlite-event-store.js';
import { EmbeddedReadStore } from '../../src/readstore/embedded/embedded-read-store.js';
import type { ReadStore } from '../../src/readstore/read-store.port.js';
import { cartEvent, type CartData, type CartEventType } from '../../src/projection-engine/cart-projection.test-fixture.js';
import type { SubscriptionLogger, SubscriptionOptions } from '../../src/subscriptions/subscriber-worker.js';
import { SubscriptionRunner, type SubscriptionRunnerConfig } from '../../src/subscriptions/subscription-runner.js';
import { BlueGreenProjections } from '../../src/projection-engine/blue-green-projections.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';

/** The runner with the projection engine's answers beside its own, as the specs drive it. */
export type RunnerUnderTest = SubscriptionRunner & Pick<BlueGreenProjections, 'rebuild' | 'projectionStatus' | 'registry'>;

export const FAST_RETRIES: Partial<SubscriptionOptions> = {
  batchAttempts: 2,
  eventAttempts: 3,
  retryBackOff: { initialDelayMs: 1, maxDelayMs: 4 },
  resubscribeBackOff: { initialDelayMs: 1, maxDelayMs: 4 },
};

/** Generous: a wait only runs this long when the behaviour under test is broken. */
export const PATIENCE_MS = 10_000;

export class RecordingLogger implements SubscriptionLogger {
  readonly lines: { level: 'log' | 'warn' | 'error'; message: string }[] = [];
  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
}

export class Harness {
  eventStore!: EventStore;
  readStore!: ReadStore;
  readonly logger = new RecordingLogger();
  private runners: SubscriptionRunner[] = [];

  private constructor(readonly dir: string) {}

  static async create(): Promise<Harness> {
    const harness = new Harness(await mkdtemp(join(tmpdir(), 'orderstream-subscriptions-')));
    harness.openStores();
    return harness;
  }

  /** Opens (again) the stores over the same files, as a restarted process would. */
  openStores(): void {
    this.eventStore = new SqliteEventStore(join(this.dir, 'events.db'));
    this.readStore = EmbeddedReadStore.inDataDir(this.dir);
  }

  async closeStores(): Promise<void> {
    for (const runner of this.runners) await runner.stop();
    this.runners = [];
    await this.eventStore.close();
    await this.readStore.close();
  }

  /** A runner as the service composes it: its handlers, and the projections added blue/green. */
  runner(config: Partial<SubscriptionRunnerConfig> & { projections?: readonly DocumentProjection[] } = {}): RunnerUnderTest {
    const { projections = [], ...runnerConfig } = config;
    const runner = new SubscriptionRunner({
      eventStore: this.eventStore,
      readStore: this.readStore,
      logger: this.logger,
      ...runnerConfig,
      options: { ...FAST_RETRIES, ...config.options },
    });
    const blueGreen = BlueGreenProjections.addTo(runner, projections);
    this.runners.push(runner);
    return Object.assign(runner, { rebuild: (name: string) => blueGreen.rebuild(name), projectionStatus: () => blueGreen.projectionStatus(), registry: blueGreen.registry });
  }

  /** Appends one event to the cart's stream; answers its position. */
  async append(type: CartEventType, data: CartData): Promise<Position> {
    return (await this.eventStore.append(`cart-${data.cartId}`, [cartEvent(type, data)], 'any')).position;
  }

  async head(): Promise<Position> {
    return (await this.eventStore.headPosition())!;
  }

  async cleanup(): Promise<void> {
    await this.closeStores();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A counter's or gauge's current value for one subscriber, from the default registry. */
export async function metricValue(name: string, subscriber: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.find((value) => value.labels.subscriber === subscriber)?.value ?? 0;
}

let uniqueNames = 0;
/** Metrics are process-wide, so each test names its subscribers afresh. */
export function uniqueName(prefix: string): string {
  uniqueNames += 1;
  return `${prefix}-${uniqueNames}`;
}
