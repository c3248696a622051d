// `npm run bench`: runs each section in turn and prints its figures.
import { eventStoreBench } from './event-store.bench.js';
import type { BenchSection, Figure } from './figure.js';
import { ordersBench } from './orders.bench.js';
import { auditBench } from './audit.bench.js';
import { restartBench } from './restart.bench.js';
import { commandBench } from './command.bench.js';

const sections: BenchSection[] = [
  { title: 'Event store (embedded SQLite, synchronous=FULL)', run: () => eventStoreBench() },
  { title: 'Command path (CommandProcessor on the embedded store)', run: () => commandBench() },
  { title: 'Read models: restart and rebuild (embedded)', run: () => restartBench() },
  { title: 'Analysts and auditors: blue/green rebuild, signed export, verification (100k events)', run: () => auditBench() },
  { title: 'Orders end to end over HTTP (saga, workers, embedded stores)', run: () => ordersBench() },
];

function format(figure: Figure): string {
  const value = figure.value >= 100 ? Math.round(figure.value).toLocaleString('en-US') : figure.value.toFixed(2);
  return `  ${figure.name.padEnd(58)} ${value.padStart(10)} ${figure.unit}${figure.note ? `   (${figure.note})` : ''}`;
}

for (const section of sections) {
  console.log(`\n${section.title}`);
  for (const figure of await section.run()) console.log(format(figure));
}
