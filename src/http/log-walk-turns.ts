// At most one full-log walk of each kind at a time (a chain verification, an export, a replay).
// A walk gives the event loop a turn between pages (src/eventstore/log-pages.ts), so it no longer
// holds other requests; but each one still reads the whole log, and many at once would share the
// same two cores and each take as long as all of them together. A second walk of a kind that is
// already running is answered at once with 503 and Retry-After rather than queued: a queue would
// hold a connection and its memory per waiter with no bound, and every waiter would be answered
// only after all those before it; a refusal costs nothing and the client knows when to come back
// (the per-user limit on audit reads bounds how often). Walks of different kinds run side by side.
import { Injectable } from '@nestjs/common';
import { ProblemException } from './problem.js';

/** Seconds a refused caller is told to wait: a verification of a million events takes about this many tens. */
export const LOG_WALK_RETRY_AFTER_SECONDS = 5;

@Injectable()
export class LogWalkTurns {
  private readonly running = new Set<string>();

  /** Takes the turn of `kind` or throws 503 log_walk_busy; call the returned function once the walk ends. */
  take(kind: string): () => void {
    if (this.running.has(kind)) {
      throw new ProblemException(503, 'log_walk_busy', `Another ${kind} is walking the log; retry in ${LOG_WALK_RETRY_AFTER_SECONDS} s`, { retryAfter: LOG_WALK_RETRY_AFTER_SECONDS });
    }
    this.running.add(kind);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running.delete(kind);
    };
  }

  /** Runs `walk` in the turn of `kind` (or throws 503 at once if one is running). */
  async run<T>(kind: string, walk: () => Promise<T>): Promise<T> {
    const release = this.take(kind);
    try {
      return await walk();
    } finally {
      release();
    }
  }
}
