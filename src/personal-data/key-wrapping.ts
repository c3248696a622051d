// Data keys wrapped with a key-encryption key (KEK) from a secret (PERSONAL_DATA_KEK or
// PERSONAL_DATA_KEK_FILE), so that a copy of the key store alone (keys.db, a backup of it, a dump of
// _subject_keys) opens no personal data: it also takes the KEK, which is kept out of DATA_DIR.
//
// A wrapped key is AES-256-GCM over the 32 key bytes, with the subject as additional data (a wrapped
// key moved to another subject does not open): `OSK1` | KEK id (8 bytes) | IV (12) | tag (16) | 32
// bytes. A stored key of exactly 32 bytes was kept before a KEK was configured and is used as it is,
// so turning a KEK on needs no migration; `orderstream keys rewrap` wraps those, and rewraps keys of
// a previous KEK (rotation: docs/trust-model.md).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { KEY_BYTES } from './subject-key-store.port.js';

const MAGIC = Buffer.from('OSK1');
const ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const WRAPPED_KEY_BYTES = MAGIC.length + ID_BYTES + IV_BYTES + TAG_BYTES + KEY_BYTES;

export interface KeyEncryptionKey {
  /** First 8 bytes of sha256 of the KEK, in hex: which KEK wrapped a key (never the KEK itself). */
  id: string;
  key: Buffer;
}

/** The KEKs of the configuration: `current` wraps new keys, every one of them opens. */
export interface KeyEncryptionKeys {
  current: KeyEncryptionKey;
  previous: KeyEncryptionKey[];
}

export function keyEncryptionKeyOf(key: Buffer): KeyEncryptionKey {
  if (key.length !== KEY_BYTES) throw new RangeError(`a key-encryption key is ${KEY_BYTES} bytes, not ${key.length}`);
  return { id: createHash('sha256').update(key).digest().subarray(0, ID_BYTES).toString('hex'), key };
}

/** A stored key no configured KEK opens (or a damaged one): the configuration lacks a KEK, or the store was altered. */
export class KeyUnwrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyUnwrapError';
  }
}

export function isWrapped(stored: Buffer): boolean {
  return stored.length === WRAPPED_KEY_BYTES && stored.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Which KEK wrapped the stored key; undefined for a key kept unwrapped. */
export function wrappedBy(stored: Buffer): string | undefined {
  return isWrapped(stored) ? stored.subarray(MAGIC.length, MAGIC.length + ID_BYTES).toString('hex') : undefined;
}

export function wrapKey(dataKey: Buffer, kek: KeyEncryptionKey, subject: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(Buffer.from(subject));
  const data = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([MAGIC, Buffer.from(kek.id, 'hex'), iv, cipher.getAuthTag(), data]);
}

/** The data key in `stored`: opened with the KEK that wrapped it, or as it is when kept unwrapped. */
export function unwrapKey(stored: Buffer, keks: KeyEncryptionKeys | undefined, subject: string): Buffer {
  if (stored.length === KEY_BYTES) return stored;
  const id = wrappedBy(stored);
  if (id === undefined) throw new KeyUnwrapError(`the stored key of a subject is neither a key nor a wrapped key (${stored.length} bytes)`);
  const kek = keks && [keks.current, ...keks.previous].find((candidate) => candidate.id === id);
  if (!kek) throw new KeyUnwrapError(`a subject's key is wrapped with key-encryption key ${id}, which is not configured (PERSONAL_DATA_KEK, PERSONAL_DATA_PREVIOUS_KEKS)`);
  let at = MAGIC.length + ID_BYTES;
  const iv = stored.subarray(at, (at += IV_BYTES));
  const tag = stored.subarray(at, (at += TAG_BYTES));
  const decipher = createDecipheriv('aes-256-gcm', kek.key, iv);
  decipher.setAAD(Buffer.from(subject));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(stored.subarray(at)), decipher.final()]);
  } catch {
    throw new KeyUnwrapError(`a subject's wrapped key does not open with key-encryption key ${id}: it was altered or moved from another subject`);
  }
}
