// The Ed25519 key that signs exports. From AUDIT_SIGNING_KEY (PEM, PKCS#8) or
// AUDIT_SIGNING_KEY_FILE; outside production, without either, a key is generated once and kept
// in DATA_DIR/audit-signing-key.pem so exports stay verifiable with one public key across
// restarts. In production exports are refused until a key is configured.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf } from './export-format.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
  source: 'config' | 'generated';
}

export const GENERATED_KEY_FILE = 'audit-signing-key.pem';

export function signingKeyFromPem(pem: string, source: SigningKey['source']): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey), source };
}

export function generateSigningKeyPem(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The configured key; outside production a generated one kept in the data directory; else undefined. */
export function loadSigningKey(configuredPem: string | undefined, dataDir: string, production: boolean): SigningKey | undefined {
  if (configuredPem !== undefined) return signingKeyFromPem(configuredPem, 'config');
  if (production) return undefined;
  const file = join(dataDir, GENERATED_KEY_FILE);
  if (!existsSync(file)) writeFileSync(file, generateSigningKeyPem().privateKeyPem, { mode: 0o600, flag: 'wx' });
  return signingKeyFromPem(readFileSync(file, 'utf8'), 'generated');
}
