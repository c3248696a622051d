// Settings of the audit features, from the environment, validated at start with the rest.
import { createPrivateKey } from 'node:crypto';
import { ConfigError, secretSetting } from './config-error.js';

export interface AuditConfig {
  /** Seconds between anchors of the stream heads; 0: only on demand (POST /v1/audit/anchors). */
  anchorIntervalSeconds: number;
  /** Ed25519 private key (PKCS#8 PEM) that signs exports and anchors (src/audit/export/signing-key.ts: the default). */
  signingKeyPem?: string;
}

export function loadAuditConfig(env: NodeJS.ProcessEnv): AuditConfig {
  const rawInterval = env.AUDIT_ANCHOR_INTERVAL_SECONDS;
  let anchorIntervalSeconds = 300;
  if (rawInterval !== undefined && rawInterval !== '') {
    anchorIntervalSeconds = Number(rawInterval);
    if (!Number.isInteger(anchorIntervalSeconds) || anchorIntervalSeconds < 0 || anchorIntervalSeconds > 86_400) {
      throw new ConfigError(`AUDIT_ANCHOR_INTERVAL_SECONDS must be an integer between 0 and 86400, got "${rawInterval}"`);
    }
  }
  const secret = secretSetting(env, 'AUDIT_SIGNING_KEY');
  // Inline, a PEM often arrives on one line with its newlines written as \n.
  const signingKeyPem = secret?.from === 'AUDIT_SIGNING_KEY' ? secret.text.replace(/\\n/g, '\n') : secret?.text;
  if (signingKeyPem !== undefined) {
    try {
      const key = createPrivateKey(signingKeyPem);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is ${key.asymmetricKeyType}`);
    } catch (error) {
      throw new ConfigError(`The audit signing key must be an Ed25519 private key in PKCS#8 PEM (npm run cli -- keygen): ${(error as Error).message}`);
    }
  }
  return { anchorIntervalSeconds, ...(signingKeyPem === undefined ? {} : { signingKeyPem }) };
}
