// Read-your-writes when several instances share the subscribers: a projection another instance
// runs moves its checkpoint only in the read store, so the wait reads the checkpoints there, every
// SHARED_POLL_MS, until they reach the position, the time is up or the service stops. What this
// instance runs itself wakes the wait sooner through `isMet` (its local progress).
import type { Position } from '../eventstore/event-store.port.js';
import type { ReadStore } from '../readstore/read-store.port.js';
import { sleep } from '../scheduling/back-off.js';

const SHARED_POLL_MS = 25;

export interface SharedWait {
  timeoutMs: number;
  /** Local progress already says so: answer at once. */
  isMet(): boolean;
  stop: AbortSignal;
}

export async function waitForSharedCheckpoints(
  readStore: Pick<ReadStore, 'getCheckpoint'>,
  checkpointNames: readonly string[],
  position: Position,
  wait: SharedWait,
): Promise<boolean> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    if (wait.isMet()) return true;
    // A store that does not answer is "not reached yet": the wait ends in 503 projection_behind.
    const checkpoints = await Promise.all(checkpointNames.map((name) => readStore.getCheckpoint(name))).catch(() => undefined);
    if (checkpoints?.every((checkpoint) => checkpoint !== undefined && checkpoint >= position)) return true;
    const left = deadline - Date.now();
    if (left <= 0 || !(await sleep(Math.min(SHARED_POLL_MS, left), wait.stop))) return false;
  }
}
