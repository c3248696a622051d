// npm run cli -- verify-proof <proof.json> --witness <anchors.ndjson> --public-key <pem>: checks the
// proof of one event (GET /v1/audit/streams/{id}/events/{revision}/proof) offline, with only the
// proof, a witness's copy of the anchors and the audit public key: no service, no database.
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { trustedKeysOf } from '../../audit/anchors/anchor-signature.js';
import { checkEventProof } from '../../audit/proofs/event-proof.js';
import { CliError } from '../cli-error.js';
import { readPublicKey } from '../public-key.js';
import { readWitnessFile } from './anchors.command.js';

interface VerifyProofOptions {
  witness?: string;
  publicKey?: string;
  json?: boolean;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

@Command({ name: 'verify-proof', arguments: '<proof>', description: 'Check the proof of one event offline against a witness\'s anchors and the audit public key; exit 1 if it does not hold' })
export class VerifyProofCommand extends CommandRunner {
  async run([proofFile]: string[], options: VerifyProofOptions): Promise<void> {
    if (!options.witness) throw new CliError('--witness <file> is required: the anchors you keep outside the store (npm run cli -- anchors --out <file>).');
    if (!options.publicKey) throw new CliError('--public-key <file> is required: the audit public key you got by a trusted channel (GET /v1/audit/export/public-key, or keygen\'s .pub.pem).');
    const key = readPublicKey(options.publicKey, await readText(options.publicKey));
    const witness = await readWitnessFile(options.witness, false);
    let proof: unknown;
    try {
      proof = JSON.parse(await readText(proofFile!));
    } catch (error) {
      if (error instanceof CliError) throw error;
      proof = undefined; // not JSON: reported as not a proof below
    }
    const result = checkEventProof(proof, witness, trustedKeysOf({ keyId: key.keyId, publicKey: createPublicKey(key.pem) }));
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
    } else if (result.ok) {
      const { proven } = result;
      console.log(`OK: ${proven!.streamId}@${proven!.revision} (${proven!.type}, event ${proven!.eventId}) is in the log the anchor at position ${proven!.anchorPosition} recorded`);
      console.log(proven!.keyId === null
        ? '  The anchor is unsigned (recorded before anchors were signed): the witness alone vouches for it.'
        : `  The anchor is in the witness and signed by key ${proven!.keyId} (the public key given).`);
    } else {
      console.log(`INVALID: ${result.problems.length} problem(s)`);
      for (const problem of result.problems.slice(0, 50)) console.log(`  ${problem}`);
    }
    process.exitCode = result.ok ? 0 : 1;
  }

  @Option({ flags: '--witness <file>', description: 'Anchors kept outside the store (npm run cli -- anchors --out <file>): the proof\'s anchor must be one of them' }) witness(v: string) { return v; }
  @Option({ flags: '--public-key <file>', description: 'The audit public key anchors are signed with: PEM, or the JSON of GET /v1/audit/export/public-key' }) publicKey(v: string) { return v; }
  @Option({ flags: '--json', description: 'Print the result as JSON' }) json() { return true; }
}
