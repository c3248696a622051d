// npx orderstream public-key --out <file.pem>: the public key that signs this service's exports,
// as a PEM file for verifiers, and its key id (the one manifests name). Through the running
// service (GET /v1/audit/export/public-key) or from the configuration and data directory of a
// stopped one.
import { writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { loadSigningKey } from '../../audit/export/signing-key.js';
import { loadAuditConfig } from '../../config/audit-config.js';
import { CliError } from '../cli-error.js';
import { outputFile } from '../output-files.js';
import { readPublicKey } from '../public-key.js';
import { httpRequest, resolveTarget, type TargetOptions } from '../target.js';

@Command({ name: 'public-key', description: 'Save the public key that signs exports (PEM) and print its key id' })
export class PublicKeyCommand extends CommandRunner {
  async run(_: string[], options: TargetOptions & { out?: string }): Promise<void> {
    const target = resolveTarget(options);
    let pem: string;
    if (target.kind === 'http') {
      pem = await (await httpRequest(target, 'GET', '/v1/audit/export/public-key', undefined, [], { accept: 'application/x-pem-file' })).text();
    } else {
      const key = loadSigningKey(loadAuditConfig(process.env).signingKeyPem, target.dataDir, process.env.NODE_ENV === 'production');
      if (!key) throw new CliError('No signing key: set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, or name the data directory of a service that made one with --data-dir.');
      pem = key.publicKeyPem;
    }
    const { keyId } = readPublicKey('the answer', pem);
    if (options.out) {
      await writeFile(outputFile(options.out), pem);
      console.log(`Public key: ${options.out}\nKey id:     ${keyId}`);
    } else {
      process.stdout.write(pem);
      console.error(`key id ${keyId}`);
    }
  }

  @Option({ flags: '--out <file>', description: 'Save the PEM here (default: print it)' }) out(v: string) { return v; }
  @Option({ flags: '--url <url>', description: 'The running service (token in ORDERSTREAM_TOKEN, or --token); without it, the key of --data-dir' }) url(v: string) { return v; }
  @Option({ flags: '--token <token>', description: 'Access token (prefer ORDERSTREAM_TOKEN: a flag shows in the shell history and process list)' }) token(v: string) { return v; }
  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service (default $DATA_DIR or ./data)' }) dataDir(v: string) { return v; }
}
