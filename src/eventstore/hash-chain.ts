// The per-stream hash chain of DESIGN.md: hash = sha256(prevHash + canonical JSON of the
// event without its hash). Position and recordedAt are left out because EventStoreDB assigns
// them after the writer has computed the hash; everything the writer decides is covered.
import { hash as oneShotHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { AppendRejectedError } from './event-store.errors.js';
import type { EventMetadata, RecordedEvent } from './event-store.port.js';
import type { PreparedAppend, PreparedEvent } from './prepare-append.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashableEvent {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata & { prevHash: string };
}

export function chainHash(event: HashableEvent): string {
  const { streamId, revision, eventId, type, schemaVersion, data, metadata } = event;
  const body = canonicalJson({ streamId, revision, eventId, type, schemaVersion, data, metadata });
  // One native call over the joined text: the same bytes as update(prevHash).update(body), without a Hash object per event.
  return oneShotHash('sha256', metadata.prevHash + (body ?? ''), 'hex');
}

export interface ChainedEvent {
  event: PreparedEvent;
  revision: number;
  prevHash: string;
  hash: string;
}

/**
 * Links an append's events onto the stream whose last event is `lastRevision` (-1: none) with
 * hash `prevHash`: what both adapters record. Throws AppendRejectedError for data that has no
 * canonical JSON (NaN, Infinity, lone surrogates: canonical JSON is stricter than JSON.stringify).
 */
export function chainAppend(append: PreparedAppend, lastRevision: number, prevHash: string): ChainedEvent[] {
  const { streamId } = append;
  let previous = prevHash;
  return append.events.map((event, index) => {
    const revision = lastRevision + 1 + index;
    const { eventId, type, schemaVersion, data } = event;
    let hash: string;
    try {
      hash = chainHash({ streamId, revision, eventId, type, schemaVersion, data, metadata: { ...event.metadata, prevHash: previous } });
    } catch (error) {
      throw new AppendRejectedError(`Append to ${streamId} rejected: event ${index} ${(error as Error).message}`);
    }
    const link = { event, revision, prevHash: previous, hash };
    previous = hash;
    return link;
  });
}

export type ChainBreak = { revision: number; eventId: string; reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'revision_gap' };

/** Walks a whole stream (forwards, from revision 0) and returns its first broken link, if any. */
export function findChainBreak(events: readonly RecordedEvent[]): ChainBreak | undefined {
  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const at = { revision: event.revision, eventId: event.eventId };
    if (event.revision !== index) return { ...at, reason: 'revision_gap' };
    if (event.metadata.prevHash !== prevHash) return { ...at, reason: 'prev_hash_mismatch' };
    const { hash, ...metadata } = event.metadata;
    if (chainHash({ ...event, metadata }) !== hash) return { ...at, reason: 'hash_mismatch' };
    prevHash = hash;
  }
  return undefined;
}
