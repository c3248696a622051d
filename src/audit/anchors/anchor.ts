// Anchors: a periodic record of every stream's head (revision and chain hash) at a position,
// with one root hash over all of them, stored as an event in the `audit-anchors` stream.
// A stream's own hash chain shows an edited or removed event, but not a cut at its tail (the
// remaining events still chain). An anchor remembers how far each stream went, so a stream
// that is now shorter, or whose event at an anchored revision has another hash, is reported.
//
// Each anchor holds only the heads that changed since the previous one (so it stays small
// however many streams there are); folding the anchors in order gives every head. The root
// hash is over all heads, so it can be published or compared elsewhere as one value.
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../../eventstore/event-store.port.js';

export const ANCHOR_STREAM = 'audit-anchors';
export const ANCHOR_RECORDED = 'AnchorRecorded';
/** Heads per event, so an anchor stays well under the store's 1 MiB append limit. */
export const MAX_HEADS_PER_EVENT = 4000;

export interface StreamHead {
  revision: number;
  hash: string;
}

export interface AnchorRecordedData {
  /** Every event at or below this position is covered. */
  position: string;
  /** The heads that changed since the previous anchor (all of them for the first). */
  streamHeads: Record<string, StreamHead>;
  /** sha256 over all heads after applying this anchor (see rootHashOf). */
  rootHash: string;
  /** Number of streams the root hash covers. */
  streamCount: number;
  /** A large anchor is split over several events of one append: part 1..parts. */
  part: number;
  parts: number;
  /**
   * Signed anchors (anchor-signature.ts): the chain hash of the anchor event before this append
   * (GENESIS_HASH for the first), the audit key's id and the Ed25519 signature over the rest.
   * Absent on anchors written before anchors were signed.
   */
  previousAnchorHash?: string;
  keyId?: string;
  signature?: string;
}

/** sha256 over the heads sorted by stream id: one line per stream, `"<id>" <revision> <hash>\n`. */
export function rootHashOf(heads: ReadonlyMap<string, StreamHead>): string {
  const hash = createHash('sha256');
  for (const streamId of [...heads.keys()].sort()) {
    const head = heads.get(streamId)!;
    hash.update(`${JSON.stringify(streamId)} ${head.revision} ${head.hash}\n`);
  }
  return hash.digest('hex');
}

export interface AnchorSummary {
  position: string;
  rootHash: string;
  streamCount: number;
  revision: number;
  recordedAt: string;
  /** The audit key that signed it; null: recorded unsigned (before anchors were signed, or without a key). */
  keyId: string | null;
}

export interface FoldedAnchors {
  /** Every stream's anchored head, and the position of the anchor that set it. */
  heads: Map<string, StreamHead & { anchoredAt: bigint }>;
  latest: AnchorSummary | undefined;
  /** Anchors whose root hash does not match the heads they claim (the anchor stream was altered). */
  invalid: Array<{ revision: number; eventId: string; detail: string }>;
}

/** What folding needs of an anchor event: stored ones, and witnessed copies. */
export type AnchorEvent = Pick<RecordedEvent, 'type' | 'revision' | 'eventId' | 'recordedAt' | 'data'>;

export function foldAnchors(events: readonly AnchorEvent[]): FoldedAnchors {
  const heads = new Map<string, StreamHead & { anchoredAt: bigint }>();
  const invalid: FoldedAnchors['invalid'] = [];
  let latest: AnchorSummary | undefined;
  for (const event of events) {
    if (event.type !== ANCHOR_RECORDED) continue;
    const data = event.data as AnchorRecordedData;
    const anchoredAt = BigInt(data.position);
    for (const [streamId, head] of Object.entries(data.streamHeads)) heads.set(streamId, { revision: head.revision, hash: head.hash, anchoredAt });
    if (data.part !== data.parts) continue;
    const plain = new Map([...heads].map(([id, { revision, hash }]) => [id, { revision, hash }]));
    const root = rootHashOf(plain);
    if (root !== data.rootHash || plain.size !== data.streamCount) {
      invalid.push({ revision: event.revision, eventId: event.eventId, detail: `anchor at position ${data.position} claims root ${data.rootHash} over ${data.streamCount} streams; its heads give ${root} over ${plain.size}` });
    }
    latest = { position: data.position, rootHash: data.rootHash, streamCount: data.streamCount, revision: event.revision, recordedAt: event.recordedAt, keyId: data.keyId ?? null };
  }
  return { heads, latest, invalid };
}
