// The proof of one event: what an outsider needs to check, with neither the service nor its
// database, that the event is in the log as a witnessed, signed anchor saw it. A proof holds the
// event as stored, the events of its stream after it up to the head an anchor recorded (each
// chained to the one before by its hash), and that anchor as a witness keeps it (anchor-witness.ts).
// Checking recomputes every chain hash, requires the last one to be the head the anchor recorded,
// the anchor to be in the witness's copy byte for byte (canonical JSON), and a signed anchor's
// signature to be the trusted audit key's.
//
// Only what the check covers is in a proof: the store assigns an event's position and recordedAt
// after the writer hashed it (hash-chain.ts), so nothing proves them and they are left out. A field
// a proof should not have makes the check fail rather than pass unchecked. Personal values are in
// the proof as stored, sealed (src/personal-data): erasing their subject leaves the proof valid.
import type { RecordedEvent, StoredMetadata } from '../../eventstore/event-store.port.js';
import { chainHash, type HashableEvent } from '../../eventstore/hash-chain.js';
import { canonicalJson } from '../export/export-format.js';
import { ANCHOR_RECORDED, type AnchorRecordedData } from '../anchors/anchor.js';
import { signatureProblem, type TrustedKeys } from '../anchors/anchor-signature.js';
import { witnessedAnchorOf, type WitnessedAnchor } from '../anchors/anchor-witness.js';

export const PROOF_FORMAT = 'orderstream-proof/1';
/** Events a proof may hold: the proven one and those after it up to the anchored head. */
export const MAX_PROOF_EVENTS = 10_000;

/** An event as its chain hash covers it (no position, no recordedAt), with its hash. */
export type ProvenEvent = HashableEvent & { metadata: StoredMetadata };

export interface EventProof {
  format: typeof PROOF_FORMAT;
  /** The event proven. */
  event: ProvenEvent;
  /** The events of its stream after it, up to the head the anchor recorded, in revision order. */
  following: ProvenEvent[];
  /** The anchor event (one part of it) that recorded the stream's head, as a witness keeps it. */
  anchor: WitnessedAnchor;
}

export function provenEventOf(event: RecordedEvent): ProvenEvent {
  const { streamId, revision, eventId, type, schemaVersion, data, metadata } = event;
  return { streamId, revision, eventId, type, schemaVersion, data, metadata };
}

export type CoveringAnchor =
  | { found: true; anchor: RecordedEvent; headRevision: number }
  /** No anchor (or not the one asked for) recorded the stream at or past the revision yet. */
  | { found: false };

/**
 * The anchor event whose heads put the stream at or past `revision`: the one at `anchorRevision`
 * if asked for, else the earliest (the shortest proof; later anchors build on it).
 */
export function coveringAnchor(anchorEvents: readonly RecordedEvent[], streamId: string, revision: number, anchorRevision?: number): CoveringAnchor {
  for (const anchor of anchorEvents) {
    if (anchor.type !== ANCHOR_RECORDED || (anchorRevision !== undefined && anchor.revision !== anchorRevision)) continue;
    const head = Object.hasOwn((anchor.data as AnchorRecordedData).streamHeads, streamId) ? (anchor.data as AnchorRecordedData).streamHeads[streamId] : undefined;
    if (head !== undefined && head.revision >= revision) return { found: true, anchor, headRevision: head.revision };
  }
  return { found: false };
}

/** The proof of `chain[0]`: `chain` is its stream from that event to the anchored head, as stored. */
export function eventProof(chain: readonly RecordedEvent[], anchor: RecordedEvent): EventProof {
  const [event, ...following] = chain.map(provenEventOf);
  if (event === undefined) throw new Error('a proof needs the event it proves');
  return { format: PROOF_FORMAT, event, following, anchor: witnessedAnchorOf(anchor) };
}

export interface ProofCheck {
  ok: boolean;
  problems: string[];
  /** What was proven, when the proof could be read. */
  proven?: { streamId: string; revision: number; eventId: string; type: string; anchorRevision: number; anchorPosition: string; keyId: string | null };
}

const PROOF_KEYS = ['anchor', 'event', 'following', 'format'];
const EVENT_KEYS = ['data', 'eventId', 'metadata', 'revision', 'schemaVersion', 'streamId', 'type'];
const ANCHOR_KEYS = ['data', 'eventId', 'hash', 'recordedAt', 'revision'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasExactly = (value: Record<string, unknown>, keys: readonly string[]) => {
  const own = Object.keys(value).sort();
  return own.length === keys.length && own.every((key, index) => key === keys[index]);
};

/** Why `value` is not an event as a proof holds it; undefined when it is one. */
function eventShapeProblem(value: unknown, name: string): string | undefined {
  if (!isObject(value) || !hasExactly(value, EVENT_KEYS)) return `${name} is not an event (exactly ${EVENT_KEYS.join(', ')})`;
  const { streamId, revision, eventId, type, schemaVersion, metadata } = value;
  if (typeof streamId !== 'string' || typeof eventId !== 'string' || typeof type !== 'string' || !Number.isSafeInteger(revision) || typeof schemaVersion !== 'number') {
    return `${name} has a field of the wrong type`;
  }
  if (!isObject(metadata) || typeof metadata.hash !== 'string' || typeof metadata.prevHash !== 'string') return `${name} has no metadata.hash and metadata.prevHash`;
  return undefined;
}

/** Why the value is not a proof at all (before anything is checked); undefined when it is one. */
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value) || !hasExactly(value, PROOF_KEYS)) return `not a proof (exactly ${PROOF_KEYS.join(', ')})`;
  if (value.format !== PROOF_FORMAT) return `the format is ${JSON.stringify(value.format)}, not ${PROOF_FORMAT}`;
  if (!Array.isArray(value.following)) return 'following is not a list of events';
  const events = [value.event, ...value.following];
  for (const [index, event] of events.entries()) {
    const problem = eventShapeProblem(event, index === 0 ? 'event' : `following[${index - 1}]`);
    if (problem) return problem;
  }
  const anchor = value.anchor;
  if (!isObject(anchor) || !hasExactly(anchor, ANCHOR_KEYS) || !isObject(anchor.data) || !isObject(anchor.data.streamHeads) || typeof anchor.data.position !== 'string') {
    return `anchor is not an anchor as witnesses keep it (exactly ${ANCHOR_KEYS.join(', ')}, with data.position and data.streamHeads)`;
  }
  return undefined;
}

/**
 * Checks a proof offline against a witness's copy of the anchors and the trusted audit keys. Every
 * field of the proof is covered: the events by their chain hashes, the last hash by the anchor, the
 * anchor by the witness (all of it) and by its signature (its data).
 */
export function checkEventProof(value: unknown, witness: readonly WitnessedAnchor[], trusted: TrustedKeys): ProofCheck {
  const shape = shapeProblem(value);
  if (shape !== undefined) return { ok: false, problems: [shape] };
  const proof = value as EventProof;
  const problems: string[] = [];
  const { streamId } = proof.event;
  const chain = [proof.event, ...proof.following];
  if (chain.length > MAX_PROOF_EVENTS) problems.push(`the proof holds ${chain.length} events, more than ${MAX_PROOF_EVENTS}`);
  let previous: ProvenEvent | undefined;
  for (const event of chain) {
    const at = `${event.streamId}@${event.revision}`;
    if (event.streamId !== streamId) problems.push(`${at} is not in the stream ${streamId}`);
    const { hash, ...metadata } = event.metadata;
    let recomputed: string | undefined;
    try {
      recomputed = chainHash({ ...event, metadata });
    } catch {
      recomputed = undefined; // data without canonical JSON cannot be what was hashed
    }
    if (recomputed !== hash) problems.push(`${at}: the event is not what was hashed when it was written`);
    if (previous !== undefined) {
      if (event.revision !== previous.revision + 1) problems.push(`${at} does not follow revision ${previous.revision}`);
      if (event.metadata.prevHash !== previous.metadata.hash) problems.push(`${at}: prevHash is not the hash of revision ${previous.revision}`);
    }
    previous = event;
  }

  const head = chain.at(-1)!;
  const anchor = proof.anchor;
  const anchored = Object.hasOwn(anchor.data.streamHeads, streamId) ? anchor.data.streamHeads[streamId] : undefined;
  if (!isObject(anchored)) problems.push(`the anchor records no head of ${streamId}`);
  else if (anchored.revision !== head.revision || anchored.hash !== head.metadata.hash) {
    problems.push(`the anchor recorded ${streamId} at revision ${String(anchored.revision)} with hash ${String(anchored.hash)}; the proof ends at revision ${head.revision} with hash ${head.metadata.hash}`);
  }

  const witnessed = witness.find((line) => line.revision === anchor.revision);
  if (witnessed === undefined) problems.push(`the anchor (revision ${anchor.revision} of the anchor stream) is not in the witness`);
  else if (canonicalJson(witnessed) !== canonicalJson(anchor)) problems.push(`the anchor differs from the one the witness holds at revision ${anchor.revision}`);
  if (anchor.data.signature !== undefined || anchor.data.keyId !== undefined) {
    const problem = signatureProblem(anchor.data, trusted);
    if (problem !== undefined) problems.push(`the anchor: ${problem}`);
  }

  const proven = {
    streamId, revision: proof.event.revision, eventId: proof.event.eventId, type: proof.event.type,
    anchorRevision: anchor.revision, anchorPosition: anchor.data.position, keyId: anchor.data.keyId ?? null,
  };
  return { ok: problems.length === 0, problems, proven };
}
