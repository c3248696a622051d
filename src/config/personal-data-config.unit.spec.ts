// PERSONAL_DATA_KEK and its companions: 32 bytes in base64, inline or in a file, refused in a sentence otherwise.
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import { loadPersonalDataConfig } from './personal-data-config.js';

const kek = () => randomBytes(32).toString('base64');

describe('the key-encryption keys of personal data', () => {
  it('are optional', () => {
    expect(loadPersonalDataConfig({})).toEqual({ previousKeyEncryptionKeys: [] });
  });

  it('come inline or from a file, with previous ones for a rotation', () => {
    const [current, previous] = [kek(), kek()];
    expect(loadPersonalDataConfig({ PERSONAL_DATA_KEK: current, PERSONAL_DATA_PREVIOUS_KEKS: ` ${previous} ,` })).toEqual({
      keyEncryptionKey: Buffer.from(current, 'base64'), previousKeyEncryptionKeys: [Buffer.from(previous, 'base64')],
    });
    const dir = mkdtempSync(join(tmpdir(), 'orderstream-kek-'));
    try {
      writeFileSync(join(dir, 'kek'), `${current}\n`);
      expect(loadPersonalDataConfig({ PERSONAL_DATA_KEK_FILE: join(dir, 'kek') }).keyEncryptionKey).toEqual(Buffer.from(current, 'base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are refused when they are not 32 bytes in base64, given twice, or previous without a current one', () => {
    for (const env of [
      { PERSONAL_DATA_KEK: 'secret' },
      { PERSONAL_DATA_KEK: randomBytes(16).toString('base64') },
      { PERSONAL_DATA_KEK: kek(), PERSONAL_DATA_KEK_FILE: '/etc/kek' },
      { PERSONAL_DATA_KEK_FILE: '/nonexistent/kek' },
      { PERSONAL_DATA_PREVIOUS_KEKS: kek() },
      { PERSONAL_DATA_KEK: kek(), PERSONAL_DATA_PREVIOUS_KEKS: 'old' },
    ]) {
      expect(() => loadPersonalDataConfig(env)).toThrow(ConfigError);
    }
  });
});
