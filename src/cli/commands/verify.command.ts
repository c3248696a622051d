// npm run cli -- verify: walks every stream's hash chain and checks the anchors.
import { Command, CommandRunner, Option } from 'nest-commander';
import { verifyLog, type VerificationReport } from '../../audit/verification/log-verifier.js';
import { progressBar } from '../progress.js';
import { httpJson, openEventStoreFile, resolveTarget, type TargetOptions } from '../target.js';

interface VerifyOptions extends TargetOptions {
  json?: boolean;
}

export function printReport(report: VerificationReport): void {
  const anchor = report.latestAnchor ? `latest anchor at position ${report.latestAnchor.position} (${report.latestAnchor.recordedAt})` : 'no anchor yet';
  console.log(`${report.checkedEvents} events in ${report.checkedStreams} streams up to position ${report.headPosition ?? '-'}; ${anchor}`);
  if (report.ok) {
    console.log('OK: every chain is intact and matches the anchors');
    return;
  }
  console.log(`BROKEN: ${report.problemCount} stream(s) with a broken link`);
  for (const p of report.problems) console.log(`  ${p.streamId} @ revision ${p.revision}${p.position ? ` (position ${p.position})` : ''}: ${p.reason} - ${p.detail}`);
}

@Command({ name: 'verify', description: 'Walk every hash chain and compare the stream heads with the anchors; exit 1 if anything is broken' })
export class VerifyCommand extends CommandRunner {
  async run(_: string[], options: VerifyOptions): Promise<void> {
    const target = resolveTarget(options);
    let report: VerificationReport;
    if (target.kind === 'http') {
      report = await httpJson<VerificationReport>(target, 'GET', '/v1/audit/verify');
    } else {
      const store = openEventStoreFile(target.dataDir);
      try {
        const bar = progressBar('verify', Number((await store.headPosition()) ?? 0n), 'positions');
        report = await verifyLog(store, { onProgress: (position) => bar.update(Number(position)) });
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

  @Option({ flags: '--json', description: 'Print the report as JSON' })
  json() { return true; }
}
