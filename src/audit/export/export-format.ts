// The signed export format. An export is three files:
//   <name>.ndjson             one event per line: the canonical JSON (RFC 8785) of its envelope
//                             as stored (eventView), positions as decimal strings;
//   <name>.manifest.json      what the lines are (ExportManifest), itself canonical JSON;
//   <name>.manifest.json.sig  the Ed25519 signature of the manifest's bytes, base64.
// The manifest holds the count, the first and last position, the sha256 of the NDJSON file and
// a Merkle root over the lines, so one event can later be proven part of a signed export
// without the rest. Verification (verifyExport) needs only these files and the public key.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import { chainHash } from '../../eventstore/hash-chain.js';
import { eventView, fromEventView, type EventView } from '../event-view.js';
import { redactSecrets, secretPaths } from '../redaction.js';

export const EXPORT_FORMAT = 'orderstream-export/1';

export interface ExportFilter {
  /** Inclusive. */
  fromPosition?: string;
  /** Inclusive; a request without one is pinned to the head when the export starts. */
  toPosition?: string;
  /** recordedAt at or after (ISO-8601). */
  since?: string;
  /** recordedAt before (ISO-8601). */
  until?: string;
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  createdAt: string;
  filter: ExportFilter;
  count: number;
  firstPosition: string | null;
  lastPosition: string | null;
  /** Merkle root (sha256) over the lines; see merkleRoot. */
  rootHash: string;
  /** sha256 of the NDJSON file's bytes. */
  ndjsonSha256: string;
  /** sha256 of the signing public key (SPKI DER), to pick the right key. */
  keyId: string;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('not serialisable as canonical JSON');
  return text;
}

/**
 * An event of an old log that still holds a secret (a v1 user event's password hash) is exported
 * with the secret replaced by "[redacted]" and a top-level `redacted` list naming what was taken
 * out. Its metadata keeps the stored `hash` and `prevHash`, so the chain still links through it
 * (the next event of its stream names that hash) and the line is covered by the signed file hash
 * and Merkle root like any other; only its own hash cannot be recomputed offline, which
 * verifyExport reports as "redacted, not verifiable" rather than as tampering.
 */
export function exportLine(event: RecordedEvent): string {
  const view = eventView(event);
  const redacted = secretPaths(view.data, 'data');
  if (redacted.length === 0) return canonicalJson(view);
  return canonicalJson({ ...view, data: redactSecrets(view.data), redacted });
}

const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

/** Leaves are sha256(line); a node is sha256(left || right); an odd node moves up as it is. */
export class MerkleBuilder {
  private readonly levels: Buffer[][] = [];

  add(line: string): void {
    this.push(0, sha256(line));
  }

  private push(level: number, node: Buffer): void {
    // Keeps at most one pending node per level: O(log n) memory for any number of lines.
    const pending = (this.levels[level] ??= []);
    if (pending.length === 0) {
      pending.push(node);
      return;
    }
    const left = pending.pop()!;
    this.push(level + 1, sha256(Buffer.concat([left, node])));
  }

  root(): string {
    let carry: Buffer | undefined;
    for (const pending of this.levels) {
      const node = pending[0];
      if (node && carry) carry = sha256(Buffer.concat([node, carry]));
      else carry = node ?? carry;
    }
    return (carry ?? sha256('')).toString('hex');
  }
}

/** Accumulates the lines of an export and builds its manifest. */
export class ManifestBuilder {
  private readonly merkle = new MerkleBuilder();
  private readonly file = createHash('sha256');
  private count = 0;
  private first: string | null = null;
  private last: string | null = null;

  add(line: string, position: string): void {
    this.merkle.add(line);
    this.file.update(line).update('\n');
    this.count += 1;
    this.first ??= position;
    this.last = position;
  }

  finish(meta: { createdAt: string; filter: ExportFilter; keyId: string }): ExportManifest {
    return {
      format: EXPORT_FORMAT, createdAt: meta.createdAt, filter: meta.filter,
      count: this.count, firstPosition: this.first, lastPosition: this.last,
      rootHash: this.merkle.root(), ndjsonSha256: this.file.digest('hex'), keyId: meta.keyId,
    };
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex');
}

export function signManifest(manifest: ExportManifest, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString('base64');
}

export interface ExportVerification {
  ok: boolean;
  count: number;
  problems: string[];
  /** Events exported with a secret taken out (see exportLine): signed, linked, but their own hash not checkable. */
  redacted?: string[];
}

/**
 * Checks an export offline: the signature over the manifest, then every line against it (count,
 * positions, file hash, Merkle root), and that each event still matches its own chain hash and
 * follows the previous event of its stream where the export holds both.
 */
export function verifyExport(input: { ndjson: Buffer; manifestJson: string; signature: string; publicKeyPem: string }): ExportVerification {
  const problems: string[] = [];
  const publicKey = createPublicKey(input.publicKeyPem);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(input.manifestJson) as ExportManifest;
  } catch {
    return { ok: false, count: 0, problems: ['the manifest is not JSON'] };
  }
  const signed = verify(null, Buffer.from(canonicalJson(manifest)), publicKey, Buffer.from(input.signature.trim(), 'base64'));
  if (!signed) problems.push('the signature does not match the manifest and this public key');
  if (manifest.keyId !== keyIdOf(publicKey)) problems.push(`the manifest names key ${manifest.keyId}, not this public key`);
  if (sha256(input.ndjson).toString('hex') !== manifest.ndjsonSha256) problems.push('the NDJSON file is not the one the manifest describes (sha256 differs)');

  const text = input.ndjson.toString('utf8');
  const lines = text.length === 0 ? [] : text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const merkle = new MerkleBuilder();
  const lastOfStream = new Map<string, { revision: number; hash: string }>();
  const redacted: string[] = [];
  let previousPosition: bigint | undefined;
  lines.forEach((line, index) => {
    merkle.add(line);
    let view: EventView & { redacted?: unknown };
    try {
      view = JSON.parse(line) as EventView & { redacted?: unknown };
    } catch {
      problems.push(`line ${index + 1} is not JSON`);
      return;
    }
    const { redacted: redactedPaths, ...stored } = view;
    const event = fromEventView(stored);
    if (canonicalJson(view) !== line) problems.push(`line ${index + 1} is not in canonical form`);
    if (previousPosition !== undefined && event.position <= previousPosition) problems.push(`line ${index + 1}: position ${event.position} is not after ${previousPosition}`);
    previousPosition = event.position;
    const { hash, ...metadata } = event.metadata;
    if (redactedPaths !== undefined) {
      redacted.push(`line ${index + 1} (${event.streamId}@${event.revision}): ${JSON.stringify(redactedPaths)} redacted, its own hash not verifiable`);
    } else if (chainHash({ ...event, metadata }) !== hash) problems.push(`line ${index + 1} (${event.streamId}@${event.revision}): the event does not match its chain hash`);
    const before = lastOfStream.get(event.streamId);
    if (before && before.revision === event.revision - 1 && before.hash !== event.metadata.prevHash) {
      problems.push(`line ${index + 1} (${event.streamId}@${event.revision}): does not follow revision ${before.revision}`);
    }
    lastOfStream.set(event.streamId, { revision: event.revision, hash });
  });
  if (lines.length !== manifest.count) problems.push(`the manifest says ${manifest.count} events, the file has ${lines.length}`);
  const first = lines.length > 0 ? (JSON.parse(lines[0]!) as EventView).position : null;
  const last = lines.length > 0 ? (JSON.parse(lines.at(-1)!) as EventView).position : null;
  if (first !== manifest.firstPosition || last !== manifest.lastPosition) {
    problems.push(`the manifest says positions ${manifest.firstPosition}..${manifest.lastPosition}, the file has ${first}..${last}`);
  }
  if (merkle.root() !== manifest.rootHash) problems.push('the root hash over the lines differs from the manifest');
  return { ok: problems.length === 0, count: lines.length, problems, ...(redacted.length > 0 ? { redacted } : {}) };
}
