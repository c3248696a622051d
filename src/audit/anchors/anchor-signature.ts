// Anchors signed with the audit key, and chained: each signed anchor names the hash of the anchor
// event before it (the anchor stream's own chain hash, which covers every earlier anchor, signed
// or not), and the signature covers that name with the heads. So whoever can write the event
// store but does not hold the private key can neither alter an anchor (its signature breaks),
// nor alter or remove an earlier one (the next signed anchor names another hash), nor add an
// unsigned anchor after a signed one. They can still cut the anchor stream back to an older
// state: only a copy kept outside the store (a witness, anchor-witness.ts) catches that.
//
// Anchors written before anchors were signed carry no signature; they are accepted as long as
// no signed anchor came before them, and the first signed anchor's chain hash covers them.
import { sign, verify, type KeyObject } from 'node:crypto';
import type { RecordedEvent } from '../../eventstore/event-store.port.js';
import { canonicalJson } from '../export/export-format.js';
import type { SigningKey } from '../export/signing-key.js';
import { ANCHOR_RECORDED, type AnchorRecordedData } from './anchor.js';

export type AnchorBody = Omit<AnchorRecordedData, 'signature'>;

/** The public keys whose signatures are believed, by key id (export-format.ts keyIdOf). */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

export function trustedKeysOf(...keys: Array<Pick<SigningKey, 'keyId' | 'publicKey'> | undefined>): TrustedKeys {
  return new Map(keys.filter((key) => key !== undefined).map((key) => [key.keyId, key.publicKey]));
}

/** The anchor with its signature; `body` already names the previous anchor's hash and the key. */
export function signAnchor(body: AnchorBody, key: SigningKey): AnchorRecordedData {
  return { ...body, signature: sign(null, Buffer.from(canonicalJson(body)), key.privateKey).toString('base64') };
}

/** Why the anchor's signature is not to be believed; undefined when it is. */
export function signatureProblem(data: AnchorRecordedData, trusted: TrustedKeys): string | undefined {
  const { signature, ...body } = data;
  if (signature === undefined || data.keyId === undefined) return 'it carries no signature';
  const publicKey = trusted.get(data.keyId);
  if (!publicKey) return `it is signed by key ${data.keyId}, which is not a trusted audit key`;
  let valid = false;
  try {
    valid = verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    valid = false; // a malformed signature is as bad as a wrong one
  }
  return valid ? undefined : `its signature by key ${data.keyId} does not match its content`;
}

export type AnchorSignatureReason =
  /** Not signed by a trusted key, or altered since it was signed. */
  | 'anchor_signature_invalid'
  /** Does not name the anchor before it: an earlier anchor was altered or removed. */
  | 'anchor_chain_broken'
  /** Unsigned after a signed anchor: added by someone without the key. */
  | 'anchor_unsigned';

export interface AnchorSignatureProblem {
  revision: number;
  eventId: string;
  reason: AnchorSignatureReason;
  detail: string;
}

export interface AnchorSignatureCheck {
  signed: number;
  /** Unsigned anchors from before signing began (accepted; covered by the first signed anchor). */
  legacyUnsigned: number;
  problems: AnchorSignatureProblem[];
}

/** Checks every anchor event of the anchor stream (as stored, in revision order). */
export function checkAnchorSignatures(events: readonly RecordedEvent[], trusted: TrustedKeys): AnchorSignatureCheck {
  const result: AnchorSignatureCheck = { signed: 0, legacyUnsigned: 0, problems: [] };
  let previousOfAppend: string | undefined;
  for (const event of events) {
    if (event.type !== ANCHOR_RECORDED) continue;
    const data = event.data as AnchorRecordedData;
    // The parts of one anchor are one append: all name the anchor event before the first part.
    if (data.part === 1 || previousOfAppend === undefined) previousOfAppend = event.metadata.prevHash;
    const at = { revision: event.revision, eventId: event.eventId };
    if (data.signature === undefined) {
      if (result.signed > 0) result.problems.push({ ...at, reason: 'anchor_unsigned', detail: 'an unsigned anchor after signed ones: recorded without the audit key' });
      else result.legacyUnsigned += 1;
      continue;
    }
    result.signed += 1;
    const problem = signatureProblem(data, trusted);
    if (problem !== undefined) {
      result.problems.push({ ...at, reason: 'anchor_signature_invalid', detail: `the anchor at position ${data.position}: ${problem}` });
    } else if (data.previousAnchorHash !== previousOfAppend) {
      result.problems.push({ ...at, reason: 'anchor_chain_broken', detail: `the anchor at position ${data.position} was signed after anchor hash ${data.previousAnchorHash}; the anchor stream before it now hashes to ${previousOfAppend}` });
    }
  }
  return result;
}
