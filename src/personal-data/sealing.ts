// One personal value sealed with its subject's key: AES-256-GCM (authenticated: a changed byte
// fails to open), a fresh 96-bit IV per value, and the event id and path as additional data, so a
// sealed value cannot be moved to another event or field unnoticed. The sealed form is plain JSON,
// stored in the event's data in place of the value, so the hash chain covers the ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealedValue {
  $sealed: { alg: 'A256GCM'; subject: string; iv: string; tag: string; data: string };
}

export function isSealed(value: unknown): value is SealedValue {
  return typeof value === 'object' && value !== null && '$sealed' in value && typeof (value as SealedValue).$sealed?.data === 'string';
}

export function seal(value: unknown, subject: string, key: Buffer, aad: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(JSON.stringify(value) ?? 'null', 'utf8'), cipher.final()]);
  return { $sealed: { alg: 'A256GCM', subject, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') } };
}

/** The value sealed in `sealed`; throws if the key, the additional data or a byte is not what sealed it. */
export function unseal(sealed: SealedValue, key: Buffer, aad: string): unknown {
  const { iv, tag, data } = sealed.$sealed;
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8')) as unknown;
}
