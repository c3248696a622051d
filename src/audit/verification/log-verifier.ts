// Walks every stream's hash chain over the log as stored (never upcast: the hashes cover the
// stored shape) in one pass over $all, and compares the result with the latest anchors, whose
// signatures and chain it checks against the trusted audit keys; given a witness (anchors kept
// outside the store), with the witnessed anchors too. Reports the first broken link of each stream.
import type { EventStore, Position } from '../../eventstore/event-store.port.js';
import { chainHash, GENESIS_HASH } from '../../eventstore/hash-chain.js';
import { ANCHOR_RECORDED, ANCHOR_STREAM, foldAnchors, type AnchorSummary } from '../anchors/anchor.js';
import { logPages } from '../../eventstore/log-pages.js';
import { checkAnchorSignatures, type AnchorSignatureReason, type TrustedKeys } from '../anchors/anchor-signature.js';
import { compareWithWitness, type WitnessedAnchor } from '../anchors/anchor-witness.js';

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
  | 'anchor_invalid'
  /** Anchors: a bad or untrusted signature, a broken chain of anchors, an unsigned anchor after signed ones. */
  | AnchorSignatureReason
  /** A witnessed anchor is missing or different in the log, or its own signature is bad. */
  | 'witness_mismatch'
  | 'witness_invalid';

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
  /** Anchors signed with a trusted audit key, and unsigned ones from before anchors were signed. */
  anchors: { signed: number; legacyUnsigned: number };
  /** With a witness: how many witnessed anchors were compared. */
  witnessedAnchors?: number;
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
  /** The audit keys whose anchor signatures are believed (none given: every signed anchor is reported). */
  trustedKeys?: TrustedKeys;
  /** Anchors kept outside the store, to check the log against. */
  witness?: readonly WitnessedAnchor[];
  onProgress?(position: Position, head: Position): void;
}

export async function verifyLog(raw: EventStore, options: VerifyOptions = {}): Promise<VerificationReport> {
  const trustedKeys = options.trustedKeys ?? new Map();
  const head = await raw.headPosition();
  const anchorEvents = await raw.readStream(ANCHOR_STREAM);
  const anchors = foldAnchors(anchorEvents);
  const signatures = checkAnchorSignatures(anchorEvents, trustedKeys);
  // The witness's heads are checked like the stored ones: a log rewritten with its anchors still misses them.
  const witnessed = options.witness && foldAnchors(options.witness.map((w) => ({ type: ANCHOR_RECORDED, revision: w.revision, eventId: w.eventId, recordedAt: w.recordedAt, data: w.data })));
  const anchoredHeads = [anchors.heads, ...(witnessed ? [witnessed.heads] : [])];
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
        const anchored = anchoredHeads.map((heads) => heads.get(event.streamId)).find((h) => h !== undefined && h.revision === event.revision && h.hash !== hash);
        if (anchored) {
          fail('anchor_mismatch', `the anchor at position ${anchored.anchoredAt}${anchored === witnessed?.heads.get(event.streamId) ? ' (witnessed)' : ''} recorded another hash for this revision`);
          continue;
        }
        walk.nextRevision += 1;
        walk.prevHash = hash;
      }
      options.onProgress?.(page.at(-1)!.position, head);
    }
  }

  for (const heads of anchoredHeads) {
    for (const [streamId, anchored] of heads) {
      const walk = streams.get(streamId);
      if (walk?.broken) continue;
      const last = (walk?.nextRevision ?? 0) - 1;
      if (last < anchored.revision) {
        if (walk) walk.broken = true;
        else streams.set(streamId, { nextRevision: 0, prevHash: GENESIS_HASH, broken: true });
        report({
          streamId, revision: last + 1, eventId: null, position: null, reason: 'truncated',
          detail: `the ${heads === witnessed?.heads ? 'witnessed ' : ''}anchor at position ${anchored.anchoredAt} recorded revision ${anchored.revision}; the stream now ends at ${last < 0 ? 'nothing' : `revision ${last}`}`,
        });
      }
    }
  }
  for (const invalid of anchors.invalid) {
    report({ streamId: ANCHOR_STREAM, revision: invalid.revision, eventId: invalid.eventId, position: null, reason: 'anchor_invalid', detail: invalid.detail });
  }
  for (const problem of [...signatures.problems, ...(options.witness ? compareWithWitness(anchorEvents, options.witness, trustedKeys) : [])]) {
    report({ streamId: ANCHOR_STREAM, position: null, ...problem });
  }

  return {
    ok: problemCount === 0,
    headPosition: head?.toString() ?? null,
    checkedEvents,
    checkedStreams: streams.size,
    latestAnchor: anchors.latest ?? null,
    anchors: { signed: signatures.signed, legacyUnsigned: signatures.legacyUnsigned },
    ...(options.witness ? { witnessedAnchors: options.witness.length } : {}),
    problems,
    problemCount,
  };
}
