// The command path on a long stream: the first command folds the whole stream, later ones
// read only what was appended since (StreamStateCache).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandProcessor } from '../src/command-handling/command-processor.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import { inventoryDecider, productStreamId } from '../src/inventory/inventory.decider.js';
import type { Figure } from './figure.js';

const HISTORY = 5_000;
const COMMANDS = 500;

export async function commandBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-commands-'));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  try {
    const clock = { now: () => new Date() };
    const productId = randomUUID();
    const streamId = productStreamId(productId);
    const metadata = () => ({ commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), actor: { userId: 'bench', roles: ['staff'] } });
    const receive = { type: 'ReceiveStock' as const, productId, quantity: 1, reference: 'PO' };
    const writer = new CommandProcessor(store, clock);
    await writer.handle(inventoryDecider, { streamId, metadata: metadata(), command: { type: 'RegisterProduct', productId, sku: 'BENCH-1', name: 'Bench', price: { amount: 100, currency: 'EUR' } } });
    for (let i = 0; i < HISTORY; i++) await writer.handle(inventoryDecider, { streamId, metadata: metadata(), command: receive });

    const fresh = new CommandProcessor(store, clock); // an empty cache, as after a restart
    let started = performance.now();
    await fresh.handle(inventoryDecider, { streamId, metadata: metadata(), command: receive });
    const firstMs = performance.now() - started;
    started = performance.now();
    for (let i = 0; i < COMMANDS; i++) await fresh.handle(inventoryDecider, { streamId, metadata: metadata(), command: receive });
    const cachedMs = (performance.now() - started) / COMMANDS;
    return [
      { name: `command on a ${HISTORY.toLocaleString('en-US')}-event stream, cold (full fold)`, value: firstMs, unit: 'ms' },
      { name: `command on the same stream, warm (cached fold + delta)`, value: cachedMs, unit: 'ms', note: `mean of ${COMMANDS}, each including its fsynced append` },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
