// npm run cli -- export --out <prefix> [range]: writes <prefix>.ndjson, <prefix>.manifest.json,
// <prefix>.manifest.json.sig and <prefix>.public-key.pem (for convenience: a verifier should get
// the public key from a channel it trusts, not from beside the files it checks).
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Command, CommandRunner, Option } from 'nest-commander';
import { buildSignedManifest, pinFilter, type SignedManifest } from '../../audit/export/event-exporter.js';
import { canonicalJson, verifyExport, type ExportFilter, type ExportManifest } from '../../audit/export/export-format.js';
import { loadSigningKey } from '../../audit/export/signing-key.js';
import { loadAuditConfig } from '../../config/audit-config.js';
import { outputFile } from '../output-files.js';
import { CliError, positionOption, timeOption } from '../cli-error.js';
import { progressBar } from '../progress.js';
import { httpJson, httpRequest, openEventStoreFile, resolveTarget, type TargetOptions } from '../target.js';

interface ExportOptions extends TargetOptions {
  out?: string;
  fromPosition?: string;
  toPosition?: string;
  since?: string;
  until?: string;
  streamPrefix?: string;
  type?: string;
}

function filterOf(options: ExportOptions): ExportFilter {
  const filter: ExportFilter = {};
  const from = positionOption('from-position', options.fromPosition)?.toString();
  const to = positionOption('to-position', options.toPosition)?.toString();
  const since = timeOption('since', options.since);
  const until = timeOption('until', options.until);
  if (from !== undefined) filter.fromPosition = from;
  if (to !== undefined) filter.toPosition = to;
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (options.streamPrefix) filter.streamPrefixes = options.streamPrefix.split(',');
  if (options.type) filter.eventTypes = options.type.split(',');
  return filter;
}

function query(filter: ExportFilter): string {
  const params = new URLSearchParams();
  if (filter.fromPosition) params.set('fromPosition', filter.fromPosition);
  if (filter.toPosition) params.set('toPosition', filter.toPosition);
  if (filter.since) params.set('since', filter.since);
  if (filter.until) params.set('until', filter.until);
  if (filter.streamPrefixes) params.set('streamPrefix', filter.streamPrefixes.join(','));
  if (filter.eventTypes) params.set('type', filter.eventTypes.join(','));
  return params.toString();
}

@Command({ name: 'export', description: 'Export a range of events as NDJSON with a manifest and a detached Ed25519 signature' })
export class ExportCommand extends CommandRunner {
  async run(_: string[], options: ExportOptions): Promise<void> {
    if (!options.out) throw new CliError('--out <prefix> is required, e.g. --out exports/2026-11');
    const files = { ndjson: `${options.out}.ndjson`, manifest: `${options.out}.manifest.json`, signature: `${options.out}.manifest.json.sig`, publicKey: `${options.out}.public-key.pem` };
    const filter = filterOf(options);
    const target = resolveTarget(options);
    const output = createWriteStream(outputFile(files.ndjson));
    const write = async (line: string) => {
      if (!output.write(`${line}\n`)) await once(output, 'drain');
    };
    let signed: SignedManifest;
    let publicKeyPem: string;
    const started = performance.now();
    try {
      if (target.kind === 'http') {
        const answer = await httpJson<SignedManifest & { publicKey: string }>(target, 'GET', `/v1/audit/export/manifest?${query(filter)}`);
        ({ publicKey: publicKeyPem } = answer);
        signed = { manifest: answer.manifest, signature: answer.signature };
        const bar = progressBar('export', answer.manifest.count);
        const response = await httpRequest(target, 'GET', `/v1/audit/export/events?${query(answer.manifest.filter)}`);
        let count = 0;
        for await (const chunk of response.body!) {
          if (!output.write(chunk)) await once(output, 'drain');
          count += Buffer.from(chunk).toString('utf8').split('\n').length - 1;
          bar.update(count);
        }
        bar.stop();
      } else {
        const store = openEventStoreFile(target.dataDir);
        try {
          const key = loadSigningKey(loadAuditConfig(process.env).signingKeyPem, target.dataDir, process.env.NODE_ENV === 'production');
          if (!key) throw new CliError('No signing key: set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE (npm run cli -- keygen makes one)');
          publicKeyPem = key.publicKeyPem;
          const pinned = await pinFilter(store, filter);
          const bar = progressBar('export', Number(pinned.toPosition), 'positions');
          signed = await buildSignedManifest(store, pinned, key, new Date().toISOString(), async (line, event) => {
            await write(line);
            bar.update(Number(event.position));
          });
          bar.stop();
        } finally {
          await store.close();
        }
      }
    } finally {
      output.end();
      await once(output, 'close');
    }
    await writeFile(files.manifest, canonicalJson(signed.manifest));
    await writeFile(files.signature, `${signed.signature}\n`);
    await writeFile(files.publicKey, publicKeyPem);
    // Check what landed on disk before saying it is done.
    const check = verifyExport({ ndjson: await readFile(files.ndjson), manifestJson: canonicalJson(signed.manifest), signature: signed.signature, publicKeyPem });
    if (!check.ok) throw new CliError(`The export written does not verify: ${check.problems.join('; ')}`, 1);
    const seconds = (performance.now() - started) / 1000;
    const manifest: ExportManifest = signed.manifest;
    console.log(`Exported ${manifest.count} events (positions ${manifest.firstPosition ?? '-'}..${manifest.lastPosition ?? '-'}) in ${seconds.toFixed(1)} s`);
    console.log(`  root hash ${manifest.rootHash}`);
    console.log(`  signed by key ${manifest.keyId} (sha256 of its public key; verifiers check it with verify-export --public-key)`);
    for (const file of Object.values(files)) console.log(`  ${file}`);
  }

  @Option({ flags: '--out <prefix>', description: 'Path prefix of the files to write' }) out(v: string) { return v; }
  @Option({ flags: '--from-position <position>', description: 'First position (inclusive)' }) fromPosition(v: string) { return v; }
  @Option({ flags: '--to-position <position>', description: 'Last position (inclusive); default: the head' }) toPosition(v: string) { return v; }
  @Option({ flags: '--since <time>', description: 'Recorded at or after (ISO-8601)' }) since(v: string) { return v; }
  @Option({ flags: '--until <time>', description: 'Recorded before (ISO-8601)' }) until(v: string) { return v; }
  @Option({ flags: '--stream-prefix <prefixes>', description: 'Comma-separated stream id prefixes' }) streamPrefix(v: string) { return v; }
  @Option({ flags: '--type <types>', description: 'Comma-separated event types' }) type(v: string) { return v; }
  @Option({ flags: '--url <url>', description: 'The running service (or ORDERSTREAM_URL), with its token in ORDERSTREAM_TOKEN; without it, the files in --data-dir' }) url(v: string) { return v; }
  @Option({ flags: '--token <token>', description: 'Access token of an auditor, analyst or admin; better in ORDERSTREAM_TOKEN (a flag shows in shell history and the process list)' }) token(v: string) { return v; }
  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service' }) dataDir(v: string) { return v; }
}
