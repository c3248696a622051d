// Subscribers the runner drives as one: its own event handlers, or the projection engine's
// blue/green builds (src/projection-engine). The runner starts and stops them, waits on their
// progress and reports their lanes; what runs inside a group is the group's business.
import type { Position } from '../eventstore/event-store.port.js';
import type { SubscriberWorker } from './subscriber-worker.js';

export interface SubscriberProgress {
  checkpoint: Position | undefined;
  caughtUp: boolean;
}

/** One checkpoint a subscriber keeps, and the worker moving it (none for a frozen build). */
export interface SubscriberLane {
  name: string;
  /** 'projection-build': a build of a projection in progress, not serving yet. */
  kind: 'projection' | 'handler' | 'projection-build';
  checkpointName: string;
  checkpoint: Position | undefined;
  worker: SubscriberWorker | undefined;
}

export interface SubscriberGroup {
  /** The names queries may wait on (waitForPosition), in status order. */
  readonly names: readonly string[];
  /** What a wait on `name` (one of `names`) compares with. */
  progress(name: string): SubscriberProgress;
  /** Every checkpoint kept now, for status. */
  lanes(): SubscriberLane[];
  /** Starts the group's workers; settles once they run (the runner's `started`). */
  start(): Promise<void>;
  /** The workers running now, stopped with the runner. */
  workers(): SubscriberWorker[];
  /** Called whenever a checkpoint moves or a worker catches up. */
  progressed?(): void;
}

/** Event handlers (sagas, relays): one worker each, waited on under the handler's name. */
export class HandlerGroup implements SubscriberGroup {
  private readonly byName: ReadonlyMap<string, SubscriberWorker>;

  constructor(workers: readonly SubscriberWorker[]) {
    this.byName = new Map(workers.map((worker) => [worker.processor.name, worker]));
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  progress(name: string): SubscriberProgress {
    const worker = this.byName.get(name)!;
    return { checkpoint: worker.checkpoint, caughtUp: worker.caughtUp };
  }

  lanes(): SubscriberLane[] {
    return [...this.byName].map(([name, worker]) => ({ name, kind: 'handler', checkpointName: worker.processor.checkpointName, checkpoint: worker.checkpoint, worker }));
  }

  start(): Promise<void> {
    for (const worker of this.byName.values()) worker.start();
    return Promise.resolve();
  }

  workers(): SubscriberWorker[] {
    return [...this.byName.values()];
  }
}
