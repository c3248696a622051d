// npm run cli -- verify-export <file.ndjson> --public-key <pem>: offline, with only the files
// and the public key.
import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { verifyExport } from '../../audit/export/export-format.js';
import { CliError } from '../cli-error.js';
import { readPublicKey } from '../public-key.js';

@Command({ name: 'verify-export', arguments: '<ndjson>', description: 'Verify an export offline: signature, manifest, root hash and every event hash' })
export class VerifyExportCommand extends CommandRunner {
  async run([ndjsonFile]: string[], options: { publicKey?: string; manifest?: string; signature?: string }): Promise<void> {
    if (!options.publicKey) {
      throw new CliError('--public-key <file> is required: the public key of the service that signed the export (GET /v1/audit/export/public-key, or keygen\'s .pub.pem).');
    }
    const base = ndjsonFile!.replace(/\.ndjson$/, '');
    const read = async (file: string) => {
      try {
        return await readFile(file);
      } catch (error) {
        throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
      }
    };
    const key = readPublicKey(options.publicKey, (await read(options.publicKey)).toString('utf8'));
    const manifestJson = (await read(options.manifest ?? `${base}.manifest.json`)).toString('utf8');
    const signedBy = keyIdIn(manifestJson);
    if (signedBy !== undefined) {
      console.log(`Signed by key ${signedBy}${signedBy === key.keyId ? ' (the public key given)' : `; the public key given is key ${key.keyId}, another one`}`);
    }
    const result = verifyExport({
      ndjson: await read(ndjsonFile!),
      manifestJson,
      signature: (await read(options.signature ?? `${base}.manifest.json.sig`)).toString('utf8'),
      publicKeyPem: key.pem,
    });
    if (result.ok && result.redacted) {
      // Events of an old log whose secret was taken out: signed and linked, their own hash not checkable.
      console.log(`OK: ${result.count} events, signed manifest and root hash verify; ${result.redacted.length} event(s) redacted, not verifiable by their own hash:`);
      for (const line of result.redacted.slice(0, 50)) console.log(`  ${line}`);
    } else if (result.ok) {
      console.log(`OK: ${result.count} events, signed manifest, root hash and every event hash verify`);
    } else {
      console.log(`INVALID: ${result.problems.length} problem(s)`);
      for (const problem of result.problems.slice(0, 50)) console.log(`  ${problem}`);
    }
    process.exitCode = result.ok ? 0 : 1;
  }

  @Option({ flags: '--public-key <file>', description: 'The Ed25519 public key of the exporting service: PEM, or the JSON of GET /v1/audit/export/public-key' }) publicKey(v: string) { return v; }
  @Option({ flags: '--manifest <file>', description: 'Default: <name>.manifest.json beside the NDJSON' }) manifest(v: string) { return v; }
  @Option({ flags: '--signature <file>', description: 'Default: <name>.manifest.json.sig beside the NDJSON' }) signature(v: string) { return v; }
}

/** The key id the manifest names (sha256 of the signing key's public half), if it is readable. */
function keyIdIn(manifestJson: string): string | undefined {
  try {
    const { keyId } = JSON.parse(manifestJson) as { keyId?: unknown };
    return typeof keyId === 'string' ? keyId : undefined;
  } catch {
    return undefined;
  }
}
