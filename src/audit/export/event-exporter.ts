// Reads a range of the log as stored and turns it into export lines and a signed manifest.
// Two passes over the same pinned range give the same lines (the log below the head never
// changes), which lets HTTP answer the manifest first and stream the lines after.
import type { EventStore, RecordedEvent } from '../../eventstore/event-store.port.js';
import { logPages } from '../../eventstore/log-pages.js';
import { exportLine, ManifestBuilder, signManifest, type ExportFilter, type ExportManifest } from './export-format.js';
import type { SigningKey } from './signing-key.js';

export interface SignedManifest {
  manifest: ExportManifest;
  signature: string;
}

/** The filter with toPosition pinned to the current head (or kept, if lower). */
export async function pinFilter(raw: EventStore, filter: ExportFilter): Promise<ExportFilter> {
  const head = (await raw.headPosition()) ?? 0n;
  const to = filter.toPosition === undefined ? head : BigInt(filter.toPosition) < head ? BigInt(filter.toPosition) : head;
  return { ...filter, toPosition: to.toString() };
}

function matches(event: RecordedEvent, filter: ExportFilter): boolean {
  if (filter.since !== undefined && event.recordedAt < filter.since) return false;
  if (filter.until !== undefined && event.recordedAt >= filter.until) return false;
  return true;
}

/** The export's lines, in position order, for a pinned filter. */
export async function* exportLines(raw: EventStore, filter: ExportFilter): AsyncGenerator<{ line: string; event: RecordedEvent }> {
  const from = filter.fromPosition === undefined ? undefined : BigInt(filter.fromPosition) - 1n;
  const storeFilter = {
    ...(filter.streamPrefixes ? { streamPrefixes: filter.streamPrefixes } : {}),
    ...(filter.eventTypes ? { eventTypes: filter.eventTypes } : {}),
  };
  const pages = logPages(raw, {
    ...(from !== undefined && from > 0n ? { after: from } : {}),
    ...(filter.toPosition === undefined ? {} : { upTo: BigInt(filter.toPosition) }),
    ...(Object.keys(storeFilter).length > 0 ? { filter: storeFilter } : {}),
  });
  for await (const page of pages) {
    for (const event of page) if (matches(event, filter)) yield { line: exportLine(event), event };
  }
}

export interface ExportProgress {
  (position: bigint, count: number): void;
}

/** One pass: the manifest and its signature. `onLine` may write the lines somewhere as they come. */
export async function buildSignedManifest(
  raw: EventStore,
  pinned: ExportFilter,
  key: SigningKey,
  createdAt: string,
  onLine?: (line: string, event: RecordedEvent) => void | Promise<void>,
): Promise<SignedManifest> {
  const builder = new ManifestBuilder();
  for await (const { line, event } of exportLines(raw, pinned)) {
    builder.add(line, event.position.toString());
    if (onLine) await onLine(line, event);
  }
  const manifest = builder.finish({ createdAt, filter: pinned, keyId: key.keyId });
  return { manifest, signature: signManifest(manifest, key.privateKey) };
}
