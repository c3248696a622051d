// Auditors' long operations over 100k events: a signed export, its offline verification and a
// full chain verification (the blue/green rebuild is in rebuild.bench.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSignedManifest, pinFilter } from '../src/audit/export/event-exporter.js';
import { verifyExport } from '../src/audit/export/export-format.js';
import { signingKeyFromPem, generateSigningKeyPem } from '../src/audit/export/signing-key.js';
import { verifyLog } from '../src/audit/verification/log-verifier.js';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqlite-event-store.js';
import type { Figure } from './figure.js';
import { seedProductLog } from './rebuild.bench.js';

const rate = (events: number, ms: number) => events / (ms / 1000);

export async function auditBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-audit-'));
  try {
    await seedProductLog(dir);
    const raw = new SqliteEventStore(join(dir, 'events.db'));
    const figures: Figure[] = [];

    // Signed export of the whole log (lines written to nowhere: the cost is reading, canonical JSON, hashing, signing).
    const key = signingKeyFromPem(generateSigningKeyPem().privateKeyPem, 'config');
    const lines: string[] = [];
    const exportStarted = performance.now();
    const signed = await buildSignedManifest(raw, await pinFilter(raw, {}), key, new Date().toISOString(), (line) => void lines.push(line));
    const exportMs = performance.now() - exportStarted;
    figures.push({ name: `signed export (NDJSON + manifest + Ed25519), ${signed.manifest.count.toLocaleString('en-US')} events`, value: rate(signed.manifest.count, exportMs), unit: 'events/s', note: `${(exportMs / 1000).toFixed(2)} s` });

    const ndjson = Buffer.from(lines.map((line) => `${line}\n`).join(''));
    const offlineStarted = performance.now();
    const offline = verifyExport({ ndjson, manifestJson: JSON.stringify(signed.manifest), signature: signed.signature, publicKeyPem: key.publicKeyPem });
    if (!offline.ok) throw new Error(`export did not verify: ${offline.problems.join('; ')}`);
    figures.push({ name: 'offline verification of that export', value: rate(offline.count, performance.now() - offlineStarted), unit: 'events/s' });

    const verifyStarted = performance.now();
    const report = await verifyLog(raw);
    if (!report.ok) throw new Error('the log did not verify');
    figures.push({ name: `hash-chain verification of ${report.checkedStreams.toLocaleString('en-US')} streams`, value: rate(report.checkedEvents, performance.now() - verifyStarted), unit: 'events/s' });
    await raw.close();
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
