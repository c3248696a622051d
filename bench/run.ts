// `npm run bench`: each row of the performance table beside its yardstick measured in the same
// run, as a ratio, with the 1-minute load average when the row was measured.
//   --compare <git-ref>   also runs the order workload and the HTTP command on that ref's build
//                         (temporary worktree), beside this build's figures
//   --all                 also the long-operation sections (restart, export, verification, cold commands)
//   --scale               only the scale figures: a 1M-event log (first start, restart, memory, a
//                         command on a 100k-event stream right after a restart); several minutes
import { auditBench } from './audit.bench.js';
import { commandBench } from './command.bench.js';
import { withBuildOf } from './compare.js';
import { eventStoreBench } from './event-store.bench.js';
import type { BenchSection, Figure } from './figure.js';
import { httpCommandBench, stockReceiptsLoad, type ServiceLoadResult } from './http-command.bench.js';
import { loadAverage } from './load-average.js';
import { ordersBench, type OrdersFigures } from './orders.bench.js';
import { rebuildBench } from './rebuild.bench.js';
import { restartBench } from './restart.bench.js';
import { scaleBench } from './scale.bench.js';

const args = process.argv.slice(2);
const compareRef = args.includes('--compare') ? args[args.indexOf('--compare') + 1] : undefined;
if (args.includes('--compare') && !compareRef) throw new Error('--compare needs a git ref');

interface Row {
  workload: string;
  ours: string;
  yardstick: string;
  ratio: number | undefined;
  goal: string;
  load: string;
}

const rows: Row[] = [];
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function print(row: Row): void {
  rows.push(row);
  const ratio = row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`;
  console.log(`| ${row.workload} | ${row.ours} | ${row.yardstick} | ${ratio} | ${row.goal} | ${row.load} |`);
}

if (args.includes('--scale')) {
  const scale = await scaleBench();
  const events = scale.events.toLocaleString('en-US');
  console.log(`Scale: ${events} events on the embedded default (load average ${loadAverage()})`);
  console.log(`  first start, every projection built from the log   ${(scale.firstStartMs / 1000).toFixed(1)} s`);
  console.log(`  restart to every subscriber caught up                ${(scale.restartMs / 1000).toFixed(1)} s   (goal <= 10 s)`);
  console.log(`  resident memory while serving                        ${Math.round(scale.rssMb)} MB   (goal <= 500 MB)`);
  console.log(`  first command on the 100k-event stream, no snapshot yet ${ms(scale.unsnapshottedCommandMs)}`);
  console.log(`  first command on the 100k-event stream after restart ${ms(scale.longStreamCommandMs)}   (from its snapshot)`);
  console.log(`  first command on a 100-event stream after restart    ${ms(scale.shortStreamCommandMs)}`);
  process.exit(0);
}

console.log('| workload | orderstream | yardstick (same run) | ratio | goal | load avg |');
console.log('|---|---|---|---|---|---|');

const http = await httpCommandBench();
const httpRow = (load: ServiceLoadResult) => `${n(load.perSecond)} req/s, p50 ${ms(load.p50Ms)}, p99 ${ms(load.p99Ms)}, ${load.cpuMsPerRequest.toFixed(2)} CPU ms/req`;
print({
  workload: 'HTTP command: POST stock-receipts, 50 connections, 200 products',
  ours: httpRow(http.service),
  yardstick: `bare NestJS + Fastify POST: ${n(http.bare.perSecond)} req/s, p99 ${ms(http.bare.p99Ms)}`,
  ratio: http.service.perSecond / http.bare.perSecond, goal: '>= 0.40x, p99 <= 50 ms', load: loadAverage(),
});

const ordersRow = (figures: OrdersFigures) =>
  `${figures.ordersPerSecond.toFixed(1)} orders/s; POST /v1/orders p99 ${ms(figures.p99Ms)}, ${Number.isFinite(figures.cpuMsPerOrder) ? figures.cpuMsPerOrder.toFixed(1) : '?'} CPU ms/order`;
const orders = await ordersBench();
if (compareRef) {
  const [before, httpBefore] = await withBuildOf(compareRef, async (root) => [await ordersBench({ root }), await stockReceiptsLoad({ root })] as const);
  print({ workload: 'HTTP command, as above', ours: httpRow(http.service), yardstick: `${compareRef}: ${httpRow(httpBefore)}`, ratio: http.service.perSecond / httpBefore.perSecond, goal: '(what the change bought)', load: loadAverage() });
  print({ workload: 'orders end to end (500 orders, 64 clients, placed -> confirmed with shipment)', ours: ordersRow(orders), yardstick: `${compareRef}: ${ordersRow(before)}`, ratio: orders.ordersPerSecond / before.ordersPerSecond, goal: '>= 10x (vs 8341e5c), p99 <= 100 ms', load: loadAverage() });
} else {
  print({ workload: 'orders end to end (500 orders, 64 clients, placed -> confirmed with shipment)', ours: ordersRow(orders), yardstick: '(--compare <ref> to measure)', ratio: undefined, goal: '>= 10x (vs 8341e5c), p99 <= 100 ms', load: loadAverage() });
}

const store = await eventStoreBench();
print({ workload: 'append, 64 concurrent writers, 1 event each, fsync at commit', ours: `${n(store.concurrent)} ev/s`, yardstick: `raw better-sqlite3 WAL FULL, 100/tx: ${n(store.rawFull100)} ev/s (64/tx, the most 64 writers can share: ${n(store.rawFull64)} ev/s, ours ${(store.concurrent / store.rawFull64).toFixed(2)}x)`, ratio: store.concurrent / store.rawFull100, goal: '>= 0.8x', load: loadAverage() });
print({ workload: 'append, 1 writer, sequential', ours: `${n(store.sequential)} ev/s`, yardstick: `raw FULL, 1/tx: ${n(store.rawFull1)} ev/s`, ratio: store.sequential / store.rawFull1, goal: '>= 0.9x', load: loadAverage() });

const rebuild = await rebuildBench();
print({ workload: 'blue/green rebuild of product-details, 100k events', ours: `${n(rebuild.rebuild)} ev/s`, yardstick: `raw read + JSON.parse: ${n(rebuild.rawRead)} ev/s`, ratio: rebuild.rebuild / rebuild.rawRead, goal: '>= 0.5x', load: loadAverage() });

// A time: the ratio is yardstick over ours, so above 1x is faster than the yardstick.
print({ workload: 'load + fold a 1,000-event stream', ours: ms(store.foldMs), yardstick: `raw SELECT + parse + fold: ${ms(store.rawFoldMs)}`, ratio: store.rawFoldMs / store.foldMs, goal: 'keep (~0.9x)', load: loadAverage() });

if (args.includes('--all')) {
  const sections: BenchSection[] = [
    { title: 'Command path (CommandProcessor on the embedded store)', run: () => commandBench() },
    { title: 'Read models: restart and rebuild (embedded)', run: () => restartBench() },
    { title: 'Auditors: signed export and verification (100k events)', run: () => auditBench() },
  ];
  const format = (figure: Figure) => {
    const value = figure.value >= 100 ? n(figure.value) : figure.value.toFixed(2);
    return `  ${figure.name.padEnd(58)} ${value.padStart(10)} ${figure.unit}${figure.note ? `   (${figure.note})` : ''}`;
  };
  for (const section of sections) {
    console.log(`\n${section.title}`);
    for (const figure of await section.run()) console.log(format(figure));
  }
}
