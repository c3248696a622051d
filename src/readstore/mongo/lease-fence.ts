// The fence of a commit made under a lease (src/leases keeps the leases in this collection).
// Inside the commit's transaction the lease is read: another epoch means another holder took the
// subscriber over, and the commit applies nothing. The lease document is only read, never written
// here: a holder killed mid-commit leaves its transaction open until the server's
// transactionLifetimeLimitSeconds, and a lock on the lease would hold the take-over up that long.
// A take-over landing while a commit is under way is ordered by snapshot isolation instead: a
// commit whose documents or checkpoint the new holder has written since its snapshot meets a
// write conflict and runs again, now fenced; one that touches nothing the new holder wrote lands
// (the same events, applied once more, change nothing: documents are guarded by position), and
// the fenced checkpoint never moves back.
import type { ClientSession, Db } from 'mongodb';
import { FencedWriteError } from '../read-store.errors.js';
import type { ProjectionBatch } from '../read-store.port.js';

export const LEASES_COLLECTION = '_leases';

/** Throws FencedWriteError unless the batch's lease (if any) still has its epoch. */
export async function checkFence(db: Db, session: ClientSession, batch: ProjectionBatch): Promise<void> {
  const fence = batch.fence;
  if (fence === undefined) return;
  const lease = await db.collection<{ _id: string; epoch: number }>(LEASES_COLLECTION).findOne({ _id: fence.lease }, { session, projection: { epoch: 1 } });
  if (lease?.epoch !== fence.epoch) throw new FencedWriteError(fence.lease, fence.epoch);
}

/** The checkpoint to store: a fenced batch never moves it back (a holder that took over re-reads what its predecessor finished). */
export async function fencedCheckpoint(db: Db, session: ClientSession, batch: ProjectionBatch, checkpoints: string): Promise<string> {
  if (batch.fence === undefined) return batch.checkpoint.toString();
  const stored = await db.collection<{ _id: string; position: string }>(checkpoints).findOne({ _id: batch.subscriber }, { session });
  return stored !== null && BigInt(stored.position) > batch.checkpoint ? stored.position : batch.checkpoint.toString();
}
