// Runs one subscriber: read its checkpoint, subscribe to $all after it, pump messages through
// a bounded buffer, and process them in batches, committing the writes together with the new
// checkpoint. Failing events are retried, narrowed down and parked; outages (store errors)
// are waited out with back-off and a fresh subscription from the last checkpoint.
// It runs only while this instance holds the subscriber's lease (src/leases; on the embedded
// default always), and every commit carries the lease's fence.
import type { Clock } from '../clock/clock.js';
import type { Position, RecordedEvent, SubscriptionMessage } from '../eventstore/event-store.port.js';
import type { SharedTailEventStore } from '../eventstore/shared-tail/shared-tail-event-store.js';
import type { DocumentWrite, ReadStore } from '../readstore/read-store.port.js';
import { FencedWriteError } from '../readstore/read-store.errors.js';
import type { Leases, LeaseTenure } from '../leases/leases.js';
import { backOffDelay, sleep, type BackOff } from '../scheduling/back-off.js';
import { BoundedBuffer, BUFFER_ENDED } from './bounded-buffer.js';
import { EventProcessingError, isEventFailure, messageOf } from './event-processing-error.js';
import type { BatchProcessor } from './subscriber.js';
import type { SubscriptionMetrics } from './subscription-metrics.js';
import { inBatchSpan } from '../observability/tracing.js';
import { withBatchLogContext } from '../observability/logging/batch-logging.js';

export interface SubscriptionOptions {
  /** Most events processed and committed together. */
  batchSize: number;
  /** Most messages held between the subscription and the subscriber (backpressure). */
  bufferSize: number;
  /** Tries of a whole batch before narrowing down to its failing event. */
  batchAttempts: number;
  /** Tries of a single event before it is parked. */
  eventAttempts: number;
  /** Between tries of a failing batch or event. */
  retryBackOff: BackOff;
  /** Between resubscriptions after a store error. */
  resubscribeBackOff: BackOff;
}

export const DEFAULT_SUBSCRIPTION_OPTIONS: SubscriptionOptions = {
  batchSize: 500,
  bufferSize: 2000,
  batchAttempts: 3,
  eventAttempts: 3,
  retryBackOff: { initialDelayMs: 100, maxDelayMs: 5_000 },
  resubscribeBackOff: { initialDelayMs: 500, maxDelayMs: 30_000 },
};

export interface SubscriptionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkerContext {
  /** The store's subscriptions share one read of the live end of the log (the runner's). */
  eventStore: SharedTailEventStore;
  readStore: ReadStore;
  metrics: SubscriptionMetrics;
  logger: SubscriptionLogger;
  clock: Clock;
  options: SubscriptionOptions;
  /** Which instance runs which subscriber (the subscriber's checkpoint name is its lease). */
  leases: Leases;
  /** Called after every checkpoint change (read-your-writes waiters recheck). */
  onCheckpoint(): void;
  /** Called when the worker has reached the live end of the log (a rebuild may switch over). */
  onCaughtUp?(): void;
}

/** Thrown to unwind a retry loop when stop() interrupts its back-off. */
class StopRequested extends Error {}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

const settled = <T>(work: Promise<T>): Promise<Settled<T>> => work.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }));

/** Messages taken together, their events not yet processed, and the first try if begun early. */
interface Batch {
  messages: readonly SubscriptionMessage[];
  events: RecordedEvent[];
  firstTry: Promise<Settled<DocumentWrite[]>> | undefined;
}

/**
 * Turns of batches that overlap: each begins (its processing) as soon as it is taken, up to
 * `limit` at once, but runs its turn (retries, commit) only after the turn before it has ended
 * well. After a failed turn no later one runs: the subscription starts again from the checkpoint.
 */
class OverlappingBatches {
  private chain: Promise<void> = Promise.resolve();
  private running = 0;
  private failure: { error: unknown } | undefined;
  private freed: (() => void) | undefined;

  constructor(
    readonly limit: number,
    private readonly failed: () => void,
  ) {}

  /** Queues the turn; returns once another batch may begin. Throws a failed turn's error. */
  async add(turn: () => Promise<void>): Promise<void> {
    this.rethrow();
    this.running += 1;
    this.chain = this.chain
      .then(() => (this.failure ? undefined : turn()))
      .catch((error: unknown) => {
        this.failure ??= { error };
        this.failed();
      })
      .finally(() => {
        this.running -= 1;
        this.freed?.();
      });
    while (this.running >= this.limit && !this.failure) await new Promise<void>((done) => (this.freed = done));
    this.rethrow();
  }

  /** Waits for every queued turn; throws a failed turn's error. */
  async drain(): Promise<void> {
    await this.chain;
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }
}

export class SubscriberWorker {
  private currentCheckpoint: Position | undefined;
  private isCaughtUp = false;
  private knownHead: Position | undefined;
  private lastFailure: string | undefined;
  private consecutiveOutages = 0;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  /** Batches and admins' retries of parked events take turns: never two commits at once. */
  private turns: Promise<unknown> = Promise.resolve();
  /** The lease this worker runs under now; undefined while it waits for it. */
  private tenure: LeaseTenure | undefined;
  /** Aborted on stop() or when the lease is lost: ends the subscription and any back-off. */
  private halt: AbortSignal = this.stopping.signal;

  constructor(
    readonly processor: BatchProcessor,
    private readonly context: WorkerContext,
  ) {}

  get checkpoint(): Position | undefined {
    return this.currentCheckpoint;
  }

  get caughtUp(): boolean {
    return this.isCaughtUp;
  }

  get lastError(): string | undefined {
    return this.lastFailure;
  }

  /** Whether this instance runs the subscriber now (holds its lease). */
  get holding(): boolean {
    return this.tenure !== undefined && !this.halt.aborted;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Lets the batch in flight finish and commit, then ends the subscription. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private get halted(): boolean {
    return this.halt.aborted;
  }

  private get label(): { subscriber: string } {
    return { subscriber: this.processor.checkpointName };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const tenure = await this.context.leases.hold(this.processor.checkpointName, this.stopping.signal);
      if (!tenure) return;
      this.tenure = tenure;
      this.halt = AbortSignal.any([this.stopping.signal, tenure.lost]);
      await this.runUnder();
      this.tenure = undefined;
      this.isCaughtUp = false;
      // The instance that runs it now reports its checkpoint and lag (/metrics of each instance).
      this.context.metrics.checkpoint.remove(this.label);
      this.context.metrics.lag.remove(this.label);
    }
  }

  /** Follows the log while the lease is held: from the shared checkpoint, resubscribing after outages. */
  private async runUnder(): Promise<void> {
    const { readStore, eventStore, logger, options } = this.context;
    this.consecutiveOutages = 0;
    while (!this.halted) {
      try {
        await this.processor.prepare();
        this.setCheckpoint(await readStore.getCheckpoint(this.processor.checkpointName));
        this.knownHead = await eventStore.headPosition();
        await this.follow();
        if (this.halted) return;
        throw new Error('the subscription ended');
      } catch (error) {
        if (error instanceof FencedWriteError) this.tenure?.surrender(error.message);
        if (this.halted) return;
        this.isCaughtUp = false;
        this.consecutiveOutages += 1;
        this.lastFailure = messageOf(error);
        const delay = backOffDelay(options.resubscribeBackOff, this.consecutiveOutages);
        logger.warn(`Subscriber ${this.processor.name}: ${this.lastFailure}; resubscribing from ${this.describeCheckpoint()} in ${delay} ms`);
        await sleep(delay, this.halt);
      }
    }
  }

  private async follow(): Promise<void> {
    const { options } = this.context;
    const subscription = new AbortController();
    const buffer = new BoundedBuffer<SubscriptionMessage>(options.bufferSize);
    const stop = (): void => {
      subscription.abort();
      buffer.close();
    };
    const halt = this.halt;
    halt.addEventListener('abort', stop, { once: true });
    if (halt.aborted) stop(); // stop() came while we were getting ready: the listener missed it
    const pumping = this.pump(buffer, subscription.signal);
    // A failed turn ends the subscription now, not at the next message: it starts again from the checkpoint.
    const overlapping = new OverlappingBatches(Math.max(1, this.processor.overlappingBatches ?? 1), stop);
    try {
      for (;;) {
        const messages = await buffer.take(options.batchSize, (message) => message.kind === 'caughtUp');
        if (messages === BUFFER_ENDED) break;
        const batch = this.startBatch(messages, overlapping.limit > 1);
        if (overlapping.limit === 1) await this.inTurn(() => this.handle(batch));
        else await overlapping.add(() => this.inTurn(() => this.handle(batch)));
      }
      // Stopping: the batches begun are finished and committed, in order.
      await overlapping.drain();
    } finally {
      halt.removeEventListener('abort', stop);
      stop();
      await pumping;
    }
  }

  /**
   * The batch's new events (a store may deliver again what was committed: the checkpoint says it
   * is done), their processing begun now when batches overlap (its first try; the turn awaits it).
   */
  private startBatch(messages: readonly SubscriptionMessage[], early: boolean): Batch {
    const events: RecordedEvent[] = [];
    for (const message of messages) {
      if (message.kind !== 'event') continue;
      this.noteHead(message.event.position);
      if (this.currentCheckpoint === undefined || message.event.position > this.currentCheckpoint) events.push(message.event);
    }
    const { name, eventTypes } = this.processor;
    const firstTry = early && events.length > 0 ? settled(inBatchSpan(name, events, eventTypes, () => this.tryProcess(events))) : undefined;
    return { messages, events, firstTry };
  }

  private async pump(buffer: BoundedBuffer<SubscriptionMessage>, signal: AbortSignal): Promise<void> {
    const { eventStore } = this.context;
    try {
      const runs = eventStore.subscribeInRuns({ after: this.currentCheckpoint, filter: this.processor.filter, signal });
      for await (const run of runs) {
        // Leaving the loop closes the store's iterator too.
        if (!(await buffer.pushAll(run))) return;
      }
      buffer.end();
    } catch (error) {
      buffer.fail(error);
    }
  }

  private async handle({ messages, events, firstTry }: Batch): Promise<void> {
    if (events.length > 0) await this.processWithRetries(events, firstTry);
    const last = messages.at(-1);
    if (last?.kind === 'caughtUp') await this.reachedLive(last.position);
  }

  /** Retry the batch; if it keeps failing, go event by event so only the culprit is parked. */
  private async processWithRetries(events: RecordedEvent[], firstTry?: Promise<Settled<DocumentWrite[]>>): Promise<void> {
    const { batchAttempts, eventAttempts } = this.context.options;
    let attemptsSoFar = 0;
    if (events.length > 1) {
      if (!(await this.attempt(events, batchAttempts, firstTry))) return;
      attemptsSoFar = batchAttempts;
      this.context.logger.warn(`Subscriber ${this.processor.name}: a batch of ${events.length} events failed ${batchAttempts} times; retrying them one by one`);
    }
    for (const event of events) {
      const failure = await this.attempt([event], eventAttempts, events.length === 1 ? firstTry : undefined);
      if (failure) await this.park(event, failure.error, attemptsSoFar + eventAttempts);
    }
  }

  /**
   * Up to `attempts` tries with back-off; the last failure if all fail. Outages are thrown.
   * `firstTry`: the first try's processing, begun before this turn (overlapping batches).
   */
  private async attempt(events: RecordedEvent[], attempts: number, firstTry?: Promise<Settled<DocumentWrite[]>>): Promise<{ error: unknown } | undefined> {
    const { processor, context } = this;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (attempt === 1 && firstTry) {
          const outcome = await firstTry;
          if (!outcome.ok) throw outcome.error;
          await this.commit(outcome.value, events.at(-1)!.position, events.length);
        } else {
          await inBatchSpan(processor.name, events, processor.eventTypes, async () => {
            await this.commit(await this.tryProcess(events), events.at(-1)!.position, events.length);
          });
        }
        return undefined;
      } catch (error) {
        if (!isEventFailure(error)) throw error;
        this.lastFailure = messageOf(error);
        if (attempt >= Math.max(1, attempts)) return { error };
        const delay = backOffDelay(context.options.retryBackOff, attempt);
        context.logger.warn(`Subscriber ${processor.name}: ${this.lastFailure} (try ${attempt} of ${attempts}, again in ${delay} ms)`);
        if (!(await sleep(delay, this.halt))) throw new StopRequested();
      }
    }
  }

  private tryProcess(events: RecordedEvent[]): Promise<DocumentWrite[]> {
    return withBatchLogContext(this.processor.name, events, () => this.processor.process(events));
  }

  private async park(event: RecordedEvent, error: unknown, attempts: number): Promise<void> {
    const { readStore, metrics, logger, clock } = this.context;
    const reason = error instanceof EventProcessingError ? error.reason : messageOf(error);
    await readStore.park({
      subscriber: this.processor.checkpointName,
      position: event.position,
      streamId: event.streamId,
      revision: event.revision,
      eventId: event.eventId,
      type: event.type,
      error: reason,
      attempts,
      parkedAt: clock.now().toISOString(),
    });
    metrics.parked.inc(this.label);
    logger.error(
      `Subscriber ${this.processor.name} parked event ${event.position} (${event.type} of ${event.streamId}@${event.revision}) after ${attempts} tries: ${reason}`,
    );
    // Parked means handled: the checkpoint moves past it so the events behind it flow again.
    await this.commit([], event.position, 1);
  }

  /**
   * An admin's retry of a parked event: process it again between batches and commit its writes
   * with the checkpoint left where it is (already past the event). The failure if it fails again.
   */
  retryParked(event: RecordedEvent): Promise<{ failure: string } | undefined> {
    return this.inTurn(async () => {
      const { readStore } = this.context;
      const subscriber = this.processor.checkpointName;
      const checkpoint = await readStore.getCheckpoint(subscriber);
      if (checkpoint === undefined || checkpoint < event.position) return { failure: `${subscriber} has not reached position ${event.position} yet` };
      try {
        await readStore.commit({ subscriber, writes: await this.processor.process([event]), checkpoint });
        return undefined;
      } catch (error) {
        if (!isEventFailure(error)) throw error;
        return { failure: error instanceof EventProcessingError ? error.reason : messageOf(error) };
      }
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.turns.then(work);
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  /** Every event up to `position` has been delivered; with a filter, skipped ones move the checkpoint too. */
  private async reachedLive(position: Position | undefined): Promise<void> {
    if (position !== undefined) {
      this.noteHead(position);
      if (this.currentCheckpoint === undefined || position > this.currentCheckpoint) await this.commit([], position, 0);
    }
    if (!this.isCaughtUp) this.context.logger.log(`Subscriber ${this.processor.name} caught up at ${this.describeCheckpoint()}`);
    this.isCaughtUp = true;
    this.context.onCaughtUp?.();
  }

  private async commit(writes: DocumentWrite[], checkpoint: Position, eventCount: number): Promise<void> {
    await this.context.readStore.commit({ subscriber: this.processor.checkpointName, writes, checkpoint, fence: this.tenure?.fence });
    this.consecutiveOutages = 0;
    this.lastFailure = undefined;
    if (eventCount > 0) this.context.metrics.processed.inc(this.label, eventCount);
    this.setCheckpoint(checkpoint);
  }

  private setCheckpoint(checkpoint: Position | undefined): void {
    this.currentCheckpoint = checkpoint;
    const { metrics } = this.context;
    metrics.checkpoint.set(this.label, Number(checkpoint ?? 0n));
    if (this.knownHead !== undefined) {
      const lag = this.knownHead - (checkpoint ?? 0n);
      metrics.lag.set(this.label, Number(lag > 0n ? lag : 0n));
    }
    this.context.onCheckpoint();
  }

  private noteHead(position: Position): void {
    if (this.knownHead === undefined || position > this.knownHead) this.knownHead = position;
  }

  private describeCheckpoint(): string {
    return this.currentCheckpoint === undefined ? 'the start' : `position ${this.currentCheckpoint}`;
  }
}
