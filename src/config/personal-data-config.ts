// The key-encryption keys of personal data (src/personal-data/key-wrapping.ts), from the
// environment: PERSONAL_DATA_KEK (base64 of 32 bytes) or PERSONAL_DATA_KEK_FILE (a file holding
// it), and PERSONAL_DATA_PREVIOUS_KEKS (comma-separated base64) that still open keys wrapped
// before a rotation. Unset: data keys are stored unwrapped, as before (the README says what that means).
import { ConfigError, secretSetting } from './config-error.js';

export interface PersonalDataConfig {
  /** Wraps new data keys; with the previous ones, opens stored keys. */
  keyEncryptionKey?: Buffer;
  previousKeyEncryptionKeys: Buffer[];
}

function kekOf(name: string, text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/]{43}=$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (key?.length !== 32) throw new ConfigError(`${name} must be 32 random bytes in base64 (e.g. openssl rand -base64 32)`);
  return key;
}

export function loadPersonalDataConfig(env: NodeJS.ProcessEnv): PersonalDataConfig {
  const secret = secretSetting(env, 'PERSONAL_DATA_KEK');
  const previous = (env.PERSONAL_DATA_PREVIOUS_KEKS ?? '').split(',').filter((part) => part.trim() !== '').map((part) => kekOf('Each of PERSONAL_DATA_PREVIOUS_KEKS', part));
  if (secret === undefined && previous.length > 0) throw new ConfigError('PERSONAL_DATA_PREVIOUS_KEKS needs a current PERSONAL_DATA_KEK');
  return { ...(secret === undefined ? {} : { keyEncryptionKey: kekOf(secret.from, secret.text) }), previousKeyEncryptionKeys: previous };
}
