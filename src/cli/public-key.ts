// The public key a verifier is given, in the forms they have: the PEM of `keygen` or of
// GET /v1/audit/export/public-key (Accept: application/x-pem-file), or that route's JSON answer
// ({keyId, publicKey}) saved as it came. Anything else is refused in a sentence.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyIdOf } from '../audit/export/export-format.js';
import { CliError } from './cli-error.js';

export interface GivenPublicKey {
  pem: string;
  /** sha256 of the key (SubjectPublicKeyInfo, DER), as manifests name it. */
  keyId: string;
}

export function readPublicKey(file: string, text: string): GivenPublicKey {
  let pem = text;
  if (text.trimStart().startsWith('{')) {
    try {
      pem = String((JSON.parse(text) as { publicKey?: unknown }).publicKey ?? '');
    } catch {
      pem = '';
    }
  }
  if (/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new CliError(`${file} is a private key: give verifiers the public key (keygen's .pub.pem, or GET /v1/audit/export/public-key).`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new CliError(`${file} is not a public key: expected a PEM (-----BEGIN PUBLIC KEY-----) or the JSON answer of GET /v1/audit/export/public-key.`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CliError(`${file} is a ${key.asymmetricKeyType ?? 'unknown'} key; exports are signed with Ed25519 keys.`);
  return { pem: key.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(key) };
}
