// The fence of a commit made under a lease (src/leases keeps the leases in this collection).
// Inside the commit's transaction the lease document is written, conditioned on the epoch: a
// concurrent change of holder (which writes the same document) then meets a write conflict and
// one of the two runs again, so a commit and a take-over are ordered; a holder that lost the lease
// finds another epoch and its commit applies nothing.
import type { ClientSession, Db } from 'mongodb';
import { FencedWriteError } from '../read-store.errors.js';
import type { WriteFence } from '../read-store.port.js';

export const LEASES_COLLECTION = '_leases';

export async function checkFence(db: Db, session: ClientSession, fence: WriteFence | undefined): Promise<void> {
  if (fence === undefined) return;
  const touched = await db
    .collection<{ _id: string; epoch: number; fencedCommits?: number }>(LEASES_COLLECTION)
    .updateOne({ _id: fence.lease, epoch: fence.epoch }, { $inc: { fencedCommits: 1 } }, { session });
  if (touched.matchedCount === 0) throw new FencedWriteError(fence.lease, fence.epoch);
}
