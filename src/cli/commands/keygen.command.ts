// npm run cli -- keygen --out <prefix>: a new Ed25519 key pair for signing exports.
import { writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { generateSigningKeyPem } from '../../audit/export/signing-key.js';
import { CliError } from '../cli-error.js';
import { outputFile } from '../output-files.js';
import { readPublicKey } from '../public-key.js';

@Command({ name: 'keygen', description: 'Make an Ed25519 key pair for AUDIT_SIGNING_KEY_FILE (private) and for verifiers (public)' })
export class KeygenCommand extends CommandRunner {
  async run(_: string[], options: { out?: string }): Promise<void> {
    if (!options.out) throw new CliError('--out <prefix> is required');
    const { privateKeyPem, publicKeyPem } = generateSigningKeyPem();
    outputFile(options.out);
    await writeFile(`${options.out}.key.pem`, privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(`${options.out}.pub.pem`, publicKeyPem, { flag: 'wx' });
    console.log(`Private key: ${options.out}.key.pem (AUDIT_SIGNING_KEY_FILE; keep it secret)\nPublic key:  ${options.out}.pub.pem (give it to verifiers)`);
    console.log(`Key id:      ${readPublicKey(`${options.out}.pub.pem`, publicKeyPem).keyId} (manifests of the exports it signs name it)`);
  }

  @Option({ flags: '--out <prefix>', description: 'Path prefix of the two files' }) out(v: string) { return v; }
}
