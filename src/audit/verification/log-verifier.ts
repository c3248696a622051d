// Walks every stream's hash chain over the log as stored (never upcast: the hashes cover the
// stored shape) in one pass over $all, and compares the result with the latest anchors.
// Reports the first broken link of each stream.
import type { EventStore, Position } from '../../eventstore/event-store.port.js';
import { chainHash, GENESIS_HASH } from '../../eventstore/hash-chain.js';
import { ANCHOR_STREAM, foldAnchors, type AnchorSummary } from '../anchors/anchor.js';
import { logPages } from '../../eventstore/log-pages.js';

export type BreakReason =
  /** The event's data or metadata is not what was hashed when it was written. */
  | 'hash_mismatch'
  /** The event does not follow the stream's previous event (one was edited or removed). */
  | 'prev_hash_mismatch'
  /** A revision is missing (an event was removed) or out of order. */
  | 'revision_gap'
  /** The stream ends before the revision an anchor recorded: its tail was cut. */
  | 'truncated'
  /** The event at an anchored revision has another hash than the anchor recorded: the stream was rewritten. */
  | 'anchor_mismatch'
  /** An anchor's root hash does not match its heads: the anchor stream was altered. */
  | 'anchor_invalid';

export interface ChainProblem {
  streamId: string;
  revision: number;
  eventId: string | null;
  position: string | null;
  reason: BreakReason;
  detail: string;
}

export interface VerificationReport {
  ok: boolean;
  /** The last position checked. */
  headPosition: string | null;
  checkedEvents: number;
  checkedStreams: number;
  latestAnchor: AnchorSummary | null;
  /** First broken link per stream, in position order (at most MAX_PROBLEMS). */
  problems: ChainProblem[];
  problemCount: number;
}

export const MAX_PROBLEMS = 1000;

interface StreamWalk {
  nextRevision: number;
  prevHash: string;
  broken: boolean;
}

export interface VerifyOptions {
  onProgress?(position: Position, head: Position): void;
}

export async function verifyLog(raw: EventStore, options: VerifyOptions = {}): Promise<VerificationReport> {
  const head = await raw.headPosition();
  const anchors = foldAnchors(await raw.readStream(ANCHOR_STREAM));
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (problem: ChainProblem) => {
    problemCount += 1;
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  const streams = new Map<string, StreamWalk>();
  let checkedEvents = 0;

  if (head !== undefined) {
    for await (const page of logPages(raw, { upTo: head })) {
      for (const event of page) {
        checkedEvents += 1;
        let walk = streams.get(event.streamId);
        if (!walk) streams.set(event.streamId, (walk = { nextRevision: 0, prevHash: GENESIS_HASH, broken: false }));
        if (walk.broken) continue;
        const at = { streamId: event.streamId, revision: event.revision, eventId: event.eventId, position: event.position.toString() };
        const fail = (reason: BreakReason, detail: string) => {
          walk!.broken = true;
          report({ ...at, reason, detail });
        };
        if (event.revision !== walk.nextRevision) {
          fail('revision_gap', `revision ${event.revision} follows ${walk.nextRevision - 1}`);
          continue;
        }
        if (event.metadata.prevHash !== walk.prevHash) {
          fail('prev_hash_mismatch', 'prevHash is not the hash of the previous event');
          continue;
        }
        const { hash, ...metadata } = event.metadata;
        if (chainHash({ ...event, metadata }) !== hash) {
          fail('hash_mismatch', 'the event is not what was hashed when it was written');
          continue;
        }
        const anchored = anchors.heads.get(event.streamId);
        if (anchored && anchored.revision === event.revision && anchored.hash !== hash) {
          fail('anchor_mismatch', `the anchor at position ${anchored.anchoredAt} recorded another hash for this revision`);
          continue;
        }
        walk.nextRevision += 1;
        walk.prevHash = hash;
      }
      options.onProgress?.(page.at(-1)!.position, head);
    }
  }

  for (const [streamId, anchored] of anchors.heads) {
    const walk = streams.get(streamId);
    if (walk?.broken) continue;
    const last = (walk?.nextRevision ?? 0) - 1;
    if (last < anchored.revision) {
      report({
        streamId, revision: last + 1, eventId: null, position: null, reason: 'truncated',
        detail: `the anchor at position ${anchored.anchoredAt} recorded revision ${anchored.revision}; the stream now ends at ${last < 0 ? 'nothing' : `revision ${last}`}`,
      });
    }
  }
  for (const invalid of anchors.invalid) {
    report({ streamId: ANCHOR_STREAM, revision: invalid.revision, eventId: invalid.eventId, position: null, reason: 'anchor_invalid', detail: invalid.detail });
  }

  return {
    ok: problemCount === 0,
    headPosition: head?.toString() ?? null,
    checkedEvents,
    checkedStreams: streams.size,
    latestAnchor: anchors.latest ?? null,
    problems,
    problemCount,
  };
}
