// npm run cli -- anchors --out <witness.ndjson>: a witness's copy of the anchors, kept outside the
// store. Appends the anchors recorded since the file's last line (or --from-revision), one JSON
// line each; run it on a schedule from another machine. --since <time> keeps only the anchors
// recorded at or after a moment (e.g. to hand an auditor the anchors of one period). `verify --witness <file>` checks a log
// against it (src/audit/anchors/anchor-witness.ts).
import { appendFile, readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import type { AnchorsPage } from '../../audit/anchors/anchors.http.js';
import { ANCHOR_RECORDED, ANCHOR_STREAM } from '../../audit/anchors/anchor.js';
import { parseWitness, witnessedAnchorOf, type WitnessedAnchor } from '../../audit/anchors/anchor-witness.js';
import { CliError, timeOption } from '../cli-error.js';
import { httpJson, openEventStoreFile, resolveTarget, type Target, type TargetOptions } from '../target.js';

/** Every anchor of the target from `fromRevision` on. */
export async function readAnchors(target: Target, fromRevision = 0): Promise<WitnessedAnchor[]> {
  if (target.kind === 'files') {
    const store = openEventStoreFile(target.dataDir);
    try {
      return (await store.readStream(ANCHOR_STREAM, { fromRevision })).filter((event) => event.type === ANCHOR_RECORDED).map(witnessedAnchorOf);
    } finally {
      await store.close();
    }
  }
  const anchors: WitnessedAnchor[] = [];
  let next: number | null = fromRevision;
  // Bounded: each page moves nextRevision forward, and a log holds finitely many anchors.
  while (next !== null) {
    const page: AnchorsPage = await httpJson<AnchorsPage>(target, 'GET', `/v1/audit/anchors?fromRevision=${next}&limit=100`);
    anchors.push(...page.items);
    next = page.nextRevision;
  }
  return anchors;
}

/** The witness file's anchors; a missing file is an empty witness. */
export async function readWitnessFile(file: string, missingIsEmpty: boolean): Promise<WitnessedAnchor[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (missingIsEmpty && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseWitness(text);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
}

@Command({ name: 'anchors', description: 'Copy the anchors recorded since the last run into a witness file kept outside the store (NDJSON)' })
export class AnchorsCommand extends CommandRunner {
  async run(_: string[], options: TargetOptions & { out?: string; fromRevision?: string; since?: string }): Promise<void> {
    const since = timeOption('since', options.since);
    const held = options.out ? await readWitnessFile(options.out, true) : [];
    const fromRevision = options.fromRevision !== undefined ? Number(options.fromRevision) : (held.at(-1)?.revision ?? -1) + 1;
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) throw new CliError('--from-revision must be a whole number from 0');
    const read = await readAnchors(resolveTarget(options), fromRevision);
    const anchors = since === undefined ? read : read.filter((anchor) => anchor.recordedAt >= since);
    const lines = anchors.map((anchor) => `${JSON.stringify(anchor)}\n`).join('');
    if (options.out) {
      await appendFile(options.out, lines);
      console.log(`${anchors.length} new anchor(s) witnessed in ${options.out}${anchors.length ? ` (up to position ${anchors.at(-1)!.data.position})` : ''}`);
    } else {
      process.stdout.write(lines);
    }
  }

  @Option({ flags: '--out <file>', description: 'The witness file to append to (default: print the lines)' }) out(v: string) { return v; }
  @Option({ flags: '--since <time>', description: 'Only anchors recorded at or after this moment (ISO-8601, e.g. 2026-12-01T00:00:00Z)' }) since(v: string) { return v; }
  @Option({ flags: '--from-revision <n>', description: 'First anchor revision (default: after the last one in --out)' }) fromRevision(v: string) { return v; }
  @Option({ flags: '--url <url>', description: 'The running service (with --token); without it, the files in --data-dir' }) url(v: string) { return v; }
  @Option({ flags: '--token <token>', description: 'Access token of an auditor or admin' }) token(v: string) { return v; }
  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service' }) dataDir(v: string) { return v; }
}
