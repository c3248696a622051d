// A chain verification told as it goes, for GET /v1/audit/verify with Accept: application/x-ndjson:
// progress lines while the walk runs, then the report, in the one answer that runs the walk. No job
// is kept for a second request to ask about: behind a load balancer that request would reach
// another instance, which knows nothing of this walk.
//
// Only the latest progress is kept until the client takes it (a slow reader sees fewer lines, never
// a growing queue), and lines are at most one per `everyMs`, but the first one is sent at once, so a
// short walk still shows where it stands. A client that goes away stops the walk at its next page.
import { Readable } from 'node:stream';
import type { Position } from '../../eventstore/event-store.port.js';
import type { VerificationReport } from './log-verifier.js';

export const VERIFICATION_NDJSON = 'application/x-ndjson';

export type VerificationLine =
  | { kind: 'progress'; position: string; head: string }
  | ({ kind: 'report' } & VerificationReport)
  /** The walk failed after the answer began (its status is sent): the code of the problem it would have been. */
  | { kind: 'error'; code: string; detail: string };

export type ProgressWalk = (onProgress: (position: Position, head: Position) => void) => Promise<VerificationReport>;

export interface ProgressOptions {
  /** The least time between two progress lines. */
  everyMs: number;
  /** What an error is called in the error line: a problem code and a detail safe to show (never a stack). */
  describe(error: unknown): { code: string; detail: string };
  /** Called once the walk has ended, or when the answer closes before the walk began. */
  release(): void;
}

class ClientGone extends Error {}

export function verificationLines(walk: ProgressWalk, options: ProgressOptions): Readable {
  let latest: { position: Position; head: Position } | undefined;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let gone = false;
  let started = false;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  const sinceLastLine = () => performance.now() - lastSentAt;

  const onProgress = (position: Position, head: Position) => {
    // Thrown inside verifyLog's loop, so the walk stops and gives back its turn.
    if (gone) throw new ClientGone();
    latest = { position, head };
    // With a timer set, the timer sends it; otherwise the loop is idle and looks now.
    if (timer === undefined) wake?.();
  };

  async function* lines(): AsyncGenerator<string> {
    started = true;
    let settled = false;
    const report = walk(onProgress).finally(() => {
      settled = true;
      options.release();
      clearTimeout(timer);
      timer = undefined;
      wake?.();
    });
    // Keeps an unhandled rejection away while the loop waits; the await below sees the error.
    report.catch(() => undefined);
    while (!settled) {
      if (latest !== undefined && sinceLastLine() >= options.everyMs) {
        const { position, head } = latest;
        latest = undefined;
        lastSentAt = performance.now();
        yield line({ kind: 'progress', position: position.toString(), head: head.toString() });
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (latest !== undefined) {
          timer = setTimeout(() => {
            timer = undefined;
            resolve();
          }, options.everyMs - sinceLastLine());
        }
      });
      wake = undefined;
    }
    try {
      yield line({ kind: 'report', ...(await report) });
    } catch (error) {
      if (error instanceof ClientGone) return;
      yield line({ kind: 'error', ...options.describe(error) });
    }
  }

  const answer = Readable.from(lines(), { objectMode: false });
  answer.once('close', () => {
    gone = true;
    // Destroyed before its first read (the read could not be recorded): no walk holds the turn.
    if (!started) options.release();
  });
  return answer;
}

const line = (value: VerificationLine) => `${JSON.stringify(value)}\n`;
