// npm run cli -- projections | rebuild <name>|--all | replay <projection>
import { writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { allProjections } from '../../../projections/index.js';
import { scratchProjections } from '../../../projections/scratch/index.js';
import type { ReplayResult } from '../../projection-engine/replay.js';
import { replayProjection } from '../../projection-engine/replay.js';
import { findReplayable } from '../../projection-engine/projections.http.js';
import { projectionBuild, type ProjectionBuild } from '../../projection-engine/projection-build.js';
import { ProjectionRegistry } from '../../projection-engine/projection-registry.js';
import { SubscriptionRunner } from '../../subscriptions/subscription-runner.js';
import { BlueGreenProjections, type BuildStatus, type ProjectionStatus } from '../../projection-engine/blue-green-projections.js';
import { CliError, positionOption } from '../cli-error.js';
import { openLocalStores } from '../local-stores.js';
import { outputFile } from '../output-files.js';
import { progressBar, progressBars, type Progress } from '../progress.js';
import { httpJson, resolveTarget, type Target, type TargetOptions } from '../target.js';

const quiet = { log() {}, warn() {}, error: (message: string) => console.error(message) };

function printStatus(items: ProjectionStatus[]): void {
  for (const p of items) {
    const s = p.serving;
    console.log(`${p.name} (declared v${p.declaredVersion})`);
    console.log(`  serving  v${s.version} #${s.build} ${s.collection}: checkpoint ${s.checkpoint ?? '-'}, lag ${s.lag}, parked ${s.parked}${s.caughtUp ? ', caught up' : ''}${s.running ? '' : ', frozen (old version)'}${s.lastError ? `, last error: ${s.lastError}` : ''}`);
    const b = p.building;
    if (b) console.log(`  building v${b.version} #${b.build} ${b.collection}: checkpoint ${b.checkpoint ?? '-'}, lag ${b.lag}, parked ${b.parked}`);
  }
}

abstract class TargetCommand extends CommandRunner {
  @Option({ flags: '--url <url>', description: 'The running service (or ORDERSTREAM_URL), with its token in ORDERSTREAM_TOKEN; without it, the files in --data-dir' }) url(v: string) { return v; }
  @Option({ flags: '--token <token>', description: 'Access token of an analyst or admin; better in ORDERSTREAM_TOKEN (a flag shows in shell history and the process list)' }) token(v: string) { return v; }
  @Option({ flags: '--data-dir <dir>', description: 'Data directory of a stopped service (default $DATA_DIR or ./data)' }) dataDir(v: string) { return v; }
}

@Command({ name: 'projections', description: "Show each projection's builds: checkpoint, lag, parked events, rebuild in progress" })
export class ProjectionsCommand extends TargetCommand {
  async run(_: string[], options: TargetOptions & { json?: boolean }): Promise<void> {
    const target = resolveTarget(options);
    let items: ProjectionStatus[];
    if (target.kind === 'http') {
      items = (await httpJson<{ items: ProjectionStatus[] }>(target, 'GET', '/v1/analytics/projections')).items;
    } else {
      const stores = openLocalStores(target.dataDir, true);
      try {
        // Reads the registry and checkpoints only; nothing runs.
        const readStore = stores.readStore!;
        const registry = new ProjectionRegistry(readStore);
        await registry.load();
        const head = (await stores.eventStore.headPosition()) ?? 0n;
        const describe = async (build: ProjectionBuild, running: boolean): Promise<BuildStatus> => {
          const checkpoint = await readStore.getCheckpoint(build.checkpointName);
          const lag = head - (checkpoint ?? 0n);
          return { ...build, checkpoint: checkpoint?.toString() ?? null, caughtUp: false, lag: Number(lag > 0n ? lag : 0n), parked: (await readStore.listParked(build.checkpointName)).length, lastError: null, runsHere: false, running };
        };
        items = [];
        for (const projection of allProjections) {
          const entry = registry.entry(projection.name);
          const active = entry?.active ?? projectionBuild(projection, 0);
          items.push({
            name: projection.name, declaredVersion: projection.version,
            serving: await describe(active, active.version === projection.version),
            building: entry?.building ? await describe(entry.building, true) : null,
          });
        }
      } finally {
        await stores.close();
      }
    }
    if (options.json) console.log(JSON.stringify(items, null, 2));
    else printStatus(items);
  }

  @Option({ flags: '--json', description: 'Print JSON' }) json() { return true; }
}

async function followRebuild(names: string[], poll: () => Promise<ProjectionStatus[]>): Promise<ProjectionStatus[]> {
  // One display, one line per projection: separate bars would all draw on the same line.
  const display = progressBars();
  const bars = new Map<string, Progress>();
  try {
    for (;;) {
      const items = (await poll()).filter((item) => names.includes(item.name));
      for (const item of items) {
        const building = item.building;
        if (building) {
          const done = Number(building.checkpoint ?? 0);
          let bar = bars.get(item.name);
          if (!bar) bars.set(item.name, (bar = display.add(`rebuild ${item.name}`, done + building.lag, 'positions')));
          bar.update(done, done + building.lag);
        } else {
          bars.get(item.name)?.stop();
        }
      }
      if (items.every((item) => item.building === null)) return items;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    display.stop();
  }
}

@Command({ name: 'rebuild', arguments: '[projection]', description: 'Rebuild a projection (or --all) blue/green: the new build takes over once caught up' })
export class RebuildCommand extends TargetCommand {
  async run([name]: string[], options: TargetOptions & { all?: boolean }): Promise<void> {
    const names = options.all ? allProjections.map((p) => p.name) : name ? [name] : [];
    if (names.length === 0) throw new CliError('Name a projection, or --all (npm run cli -- projections lists them)');
    const target: Target = resolveTarget(options);
    const started = performance.now();
    let finished: ProjectionStatus[];
    if (target.kind === 'http') {
      for (const each of names) await httpJson(target, 'POST', `/v1/analytics/projections/${encodeURIComponent(each)}/rebuild`);
      finished = await followRebuild(names, async () => (await httpJson<{ items: ProjectionStatus[] }>(target, 'GET', '/v1/analytics/projections')).items);
    } else {
      const stores = openLocalStores(target.dataDir, true);
      const runner = new SubscriptionRunner({ eventStore: stores.eventStore, readStore: stores.readStore!, logger: quiet });
      const projections = BlueGreenProjections.addTo(runner, allProjections);
      try {
        runner.start();
        await runner.started;
        for (const each of names) {
          if (!projections.names.includes(each)) throw new CliError(`No projection is named ${each}`);
          await projections.rebuild(each);
        }
        finished = await followRebuild(names, () => projections.projectionStatus());
      } finally {
        await runner.stop();
        await stores.close();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    for (const item of finished) console.log(`${item.name}: v${item.serving.version} #${item.serving.build} serves from ${item.serving.collection} at checkpoint ${item.serving.checkpoint ?? '-'}`);
    console.log(`Rebuilt ${finished.length} projection(s) in ${seconds.toFixed(1)} s`);
  }

  @Option({ flags: '--all', description: 'Every projection' }) all() { return true; }
}

@Command({ name: 'replay', arguments: '<projection>', description: 'Replay a range of the log into a scratch projection (projections/scratch) and print or save its documents' })
export class ReplayCommand extends TargetCommand {
  async run([name]: string[], options: TargetOptions & { fromPosition?: string; toPosition?: string; since?: string; until?: string; out?: string }): Promise<void> {
    for (const [flag, value] of [['from-position', options.fromPosition], ['to-position', options.toPosition]] as const) {
      if (value !== undefined && !/^\d{1,19}$/.test(value)) throw new CliError(`--${flag} must be a position`);
    }
    const target = resolveTarget(options);
    let result: ReplayResult & { truncated?: boolean };
    if (target.kind === 'http') {
      result = await httpJson(target, 'POST', '/v1/analytics/replays', {
        projection: name, limit: 1000,
        ...(options.fromPosition ? { fromPosition: options.fromPosition } : {}),
        ...(options.toPosition ? { toPosition: options.toPosition } : {}),
        ...(options.since ? { since: options.since } : {}),
        ...(options.until ? { until: options.until } : {}),
      });
    } else {
      let projection;
      try {
        projection = findReplayable({ scratch: scratchProjections, served: allProjections }, name!);
      } catch {
        throw new CliError(`No projection is named ${name}`);
      }
      const stores = openLocalStores(target.dataDir, false);
      try {
        const head = Number((await stores.eventStore.headPosition()) ?? 0n);
        const bar = progressBar(`replay ${name}`, head, 'positions');
        result = await replayProjection(stores.eventStore, projection, {
          ...(options.fromPosition ? { fromPosition: positionOption('from-position', options.fromPosition) } : {}),
          ...(options.toPosition ? { toPosition: positionOption('to-position', options.toPosition) } : {}),
          ...(options.since ? { since: new Date(options.since).toISOString() } : {}),
          ...(options.until ? { until: new Date(options.until).toISOString() } : {}),
        }, (position) => bar.update(Number(position)));
        bar.stop();
      } finally {
        await stores.close();
      }
    }
    const text = JSON.stringify(result, null, 2);
    if (options.out) {
      await writeFile(outputFile(options.out), text);
      console.log(`${result.projection}: ${result.events} events (positions ${result.fromPosition ?? '-'}..${result.toPosition ?? '-'}) -> ${result.documents.length} documents in ${options.out}${result.truncated ? ' (the service answers at most 1000; use --data-dir on a stopped service for all)' : ''}`);
    } else {
      console.log(text);
    }
  }

  @Option({ flags: '--from-position <position>', description: 'First position (inclusive)' }) fromPosition(v: string) { return v; }
  @Option({ flags: '--to-position <position>', description: 'Last position (inclusive)' }) toPosition(v: string) { return v; }
  @Option({ flags: '--since <time>', description: 'Recorded at or after (ISO-8601)' }) since(v: string) { return v; }
  @Option({ flags: '--until <time>', description: 'Recorded before (ISO-8601)' }) until(v: string) { return v; }
  @Option({ flags: '--out <file>', description: 'Save the result as JSON instead of printing it' }) out(v: string) { return v; }
}
