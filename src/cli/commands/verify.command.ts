// npm run cli -- verify: walks every stream's hash chain and checks the anchors (their signatures
// against the audit key: --public-key, else the service's own key); with --witness, also checks
// the log against anchors kept outside the store. On a stopped service's files (or a backup copy)
// the whole check runs here; through the service, the service walks the log and the witnessed
// anchors are compared here with the ones it holds.
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { trustedKeysOf, type TrustedKeys } from '../../audit/anchors/anchor-signature.js';
import { compareWithWitness } from '../../audit/anchors/anchor-witness.js';
import { ANCHOR_RECORDED } from '../../audit/anchors/anchor.js';
import { keyIdOf } from '../../audit/export/export-format.js';
import { loadSigningKey } from '../../audit/export/signing-key.js';
import { verifyLog, type VerificationReport } from '../../audit/verification/log-verifier.js';
import { loadAuditConfig } from '../../config/audit-config.js';
import { CliError } from '../cli-error.js';
import { progressBar } from '../progress.js';
import { httpJson, openEventStoreFile, requireEventLog, resolveTarget, type Target, type TargetOptions } from '../target.js';
import { readAnchors, readWitnessFile } from './anchors.command.js';

interface VerifyOptions extends TargetOptions {
  json?: boolean;
  witness?: string;
  publicKey?: string;
}

/** The audit keys believed: the given public key, else the service's own (from its settings or data directory, or its answer). */
async function trustedKeys(target: Target, publicKeyFile: string | undefined): Promise<TrustedKeys> {
  let pem: string;
  if (publicKeyFile !== undefined) {
    try {
      pem = await readFile(publicKeyFile, 'utf8');
    } catch (error) {
      throw new CliError(`Cannot read ${publicKeyFile}: ${(error as Error).message}`);
    }
  } else if (target.kind === 'files') {
    return trustedKeysOf(loadSigningKey(loadAuditConfig(process.env).signingKeyPem, target.dataDir, process.env.NODE_ENV === 'production'));
  } else {
    pem = (await httpJson<{ publicKey: string }>(target, 'GET', '/v1/audit/export/public-key')).publicKey;
  }
  const publicKey = createPublicKey(pem);
  return new Map([[keyIdOf(publicKey), publicKey]]);
}

export function printReport(report: VerificationReport): void {
  const anchor = report.latestAnchor
    ? `latest anchor at position ${report.latestAnchor.position} (${report.latestAnchor.recordedAt}, ${report.latestAnchor.keyId ? `signed by key ${report.latestAnchor.keyId}` : 'unsigned'})`
    : 'no anchor yet';
  console.log(`${report.checkedEvents} events in ${report.checkedStreams} streams up to position ${report.headPosition ?? '-'}; ${anchor}`);
  if (report.ok) {
    console.log(`OK: every chain is intact and matches the anchors${report.witnessedAnchors !== undefined ? ` and the ${report.witnessedAnchors} witnessed anchor(s)` : ''}`);
    return;
  }
  console.log(`BROKEN: ${report.problemCount} stream(s) with a broken link`);
  for (const p of report.problems) console.log(`  ${p.streamId} @ revision ${p.revision}${p.position ? ` (position ${p.position})` : ''}: ${p.reason} - ${p.detail}`);
}

@Command({ name: 'verify', description: 'Walk every hash chain and compare the stream heads with the anchors; exit 1 if anything is broken' })
export class VerifyCommand extends CommandRunner {
  async run(_: string[], options: VerifyOptions): Promise<void> {
    const target = resolveTarget(options);
    // Before the signing key is read (or generated) there: a directory without a log gets nothing.
    if (target.kind === 'files') requireEventLog(target.dataDir);
    const witness = options.witness === undefined ? undefined : await readWitnessFile(options.witness, false);
    const trusted = options.publicKey !== undefined || target.kind === 'files' || witness ? await trustedKeys(target, options.publicKey) : new Map();
    let report: VerificationReport;
    if (target.kind === 'http') {
      report = await httpJson<VerificationReport>(target, 'GET', '/v1/audit/verify');
      if (witness) {
        const held = (await readAnchors(target)).map((a) => ({ type: ANCHOR_RECORDED, revision: a.revision, eventId: a.eventId, metadata: { hash: a.hash } }));
        const problems = compareWithWitness(held, witness, trusted).map((p) => ({ streamId: 'audit-anchors', position: null, ...p }));
        report = { ...report, ok: report.ok && problems.length === 0, problems: [...report.problems, ...problems], problemCount: report.problemCount + problems.length, witnessedAnchors: witness.length };
      }
    } else {
      const store = openEventStoreFile(target.dataDir);
      try {
        const bar = progressBar('verify', Number((await store.headPosition()) ?? 0n), 'positions');
        report = await verifyLog(store, { trustedKeys: trusted, ...(witness ? { witness } : {}), onProgress: (position) => bar.update(Number(position)) });
        bar.stop();
      } finally {
        await store.close();
      }
    }
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    process.exitCode = report.ok ? 0 : 1;
  }

  @Option({ flags: '--url <url>', description: 'The running service (or ORDERSTREAM_URL), with its token in ORDERSTREAM_TOKEN; without it, the files in --data-dir' })
  url(value: string) { return value; }

  @Option({ flags: '--token <token>', description: 'Access token of an auditor or admin; better in ORDERSTREAM_TOKEN (a flag shows in shell history and the process list)' })
  token(value: string) { return value; }

  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service (default $DATA_DIR or ./data)' })
  dataDir(value: string) { return value; }

  @Option({ flags: '--witness <file>', description: 'Anchors kept outside the store (npm run cli -- anchors --out <file>): the log must still match them' })
  witness(value: string) { return value; }

  @Option({ flags: '--public-key <file>', description: 'The audit public key (PEM) anchors must be signed with (default: the service\'s own)' })
  publicKey(value: string) { return value; }

  @Option({ flags: '--json', description: 'Print the report as JSON' })
  json() { return true; }
}
