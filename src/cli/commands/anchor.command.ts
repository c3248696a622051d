// npm run cli -- anchor: records an anchor of every stream head now (see src/audit/anchors).
import { Command, CommandRunner, Option } from 'nest-commander';
import { AnchorRecorder, type AnchorOutcome } from '../../audit/anchors/anchor-recorder.js';
import { systemClock } from '../../clock/clock.js';
import { loadSigningKey } from '../../audit/export/signing-key.js';
import { loadAuditConfig } from '../../config/audit-config.js';
import { httpJson, openEventStoreFile, resolveTarget, type TargetOptions } from '../target.js';

@Command({ name: 'anchor', description: 'Anchor every stream head now, so a later cut at any stream tail is detected' })
export class AnchorCommand extends CommandRunner {
  async run(_: string[], options: TargetOptions): Promise<void> {
    const target = resolveTarget(options);
    let outcome: AnchorOutcome;
    if (target.kind === 'http') {
      outcome = await httpJson<AnchorOutcome>(target, 'POST', '/v1/audit/anchors');
    } else {
      const store = openEventStoreFile(target.dataDir);
      try {
        // Signed with the service's own key, as the service would sign it.
        const key = loadSigningKey(loadAuditConfig(process.env).signingKeyPem, target.dataDir, process.env.NODE_ENV === 'production');
        outcome = await new AnchorRecorder(store, systemClock, key).record({ system: 'orderstream-cli' });
      } finally {
        await store.close();
      }
    }
    const anchor = outcome.anchor;
    if (!anchor) console.log('Nothing to anchor: the log is empty');
    else console.log(`${outcome.recorded ? 'Anchored' : 'Nothing new since the latest anchor:'} ${anchor.streamCount} stream heads at position ${anchor.position}, root hash ${anchor.rootHash}`);
  }

  @Option({ flags: '--url <url>', description: 'The running service (or ORDERSTREAM_URL), with its token in ORDERSTREAM_TOKEN; without it, the files in --data-dir' }) url(v: string) { return v; }
  @Option({ flags: '--token <token>', description: 'Access token of an auditor or admin; better in ORDERSTREAM_TOKEN (a flag shows in shell history and the process list)' }) token(v: string) { return v; }
  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service' }) dataDir(v: string) { return v; }
}
