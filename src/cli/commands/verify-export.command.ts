// npm run cli -- verify-export <file.ndjson> --public-key <pem>: offline, with only the files
// and the public key.
import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { verifyExport } from '../../audit/export/export-format.js';
import { CliError } from '../cli-error.js';

@Command({ name: 'verify-export', arguments: '<ndjson>', description: 'Verify an export offline: signature, manifest, root hash and every event hash' })
export class VerifyExportCommand extends CommandRunner {
  async run([ndjsonFile]: string[], options: { publicKey?: string; manifest?: string; signature?: string }): Promise<void> {
    if (!options.publicKey) throw new CliError('--public-key <file.pem> is required');
    const base = ndjsonFile!.replace(/\.ndjson$/, '');
    const read = async (file: string) => {
      try {
        return await readFile(file);
      } catch (error) {
        throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
      }
    };
    const result = verifyExport({
      ndjson: await read(ndjsonFile!),
      manifestJson: (await read(options.manifest ?? `${base}.manifest.json`)).toString('utf8'),
      signature: (await read(options.signature ?? `${base}.manifest.json.sig`)).toString('utf8'),
      publicKeyPem: (await read(options.publicKey)).toString('utf8'),
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

  @Option({ flags: '--public-key <file>', description: 'The Ed25519 public key (PEM) of the exporting service' }) publicKey(v: string) { return v; }
  @Option({ flags: '--manifest <file>', description: 'Default: <name>.manifest.json beside the NDJSON' }) manifest(v: string) { return v; }
  @Option({ flags: '--signature <file>', description: 'Default: <name>.manifest.json.sig beside the NDJSON' }) signature(v: string) { return v; }
}
