// The attacker of the trust model, for tests: someone who can write events.db (a stolen backup,
// a shell on the host) but does not hold the audit signing key. They change an event, recompute
// every hash chain it touches, and rewrite the anchors to match, so that each chain and each
// anchor's root hash is self-consistent again. What they cannot do is sign.
import Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH } from '../../src/eventstore/hash-chain.js';
import type { StoredMetadata } from '../../src/eventstore/event-store.port.js';
import { ANCHOR_STREAM, rootHashOf, type AnchorRecordedData, type StreamHead } from '../../src/audit/anchors/anchor.js';

interface Row {
  position: bigint;
  stream_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  schema_version: bigint;
  data: string;
  metadata: string;
}

export type AnchorForgery = 'keep-signatures' | 'strip-signatures';

/**
 * Changes the data of `streamId`'s event at `revision`, re-chains that stream, then rewrites every
 * anchor's heads and root hash to the forged chain and re-chains the anchor stream.
 * `anchors`: keep the signatures as they were (now over other content), or drop them.
 */
export function forgeLog(file: string, streamId: string, revision: number, change: (data: unknown) => unknown, anchors: AnchorForgery): void {
  const db = new Database(file);
  db.defaultSafeIntegers(true);
  try {
    const forgedHashes = rechain(db, streamId, (row) => (Number(row.revision) === revision ? JSON.stringify(change(JSON.parse(row.data))) : row.data));
    const heads = new Map<string, StreamHead>();
    rechain(db, ANCHOR_STREAM, (row) => {
      const data = JSON.parse(row.data) as AnchorRecordedData;
      for (const [id, head] of Object.entries(data.streamHeads)) {
        const forged = id === streamId ? forgedHashes.get(head.revision) : undefined;
        if (forged) head.hash = forged;
        heads.set(id, head);
      }
      data.rootHash = rootHashOf(heads);
      if (anchors === 'strip-signatures') {
        delete data.signature;
        delete data.keyId;
        delete data.previousAnchorHash;
      }
      return JSON.stringify(data);
    });
  } finally {
    db.close();
  }
}

/** Rewrites the stream's data with `dataOf` and recomputes its chain; answers the new hash per revision. */
export function rechain(db: Database.Database, streamId: string, dataOf: (row: Row) => string): Map<number, string> {
  const rows = db.prepare('SELECT position, stream_id, revision, event_id, type, schema_version, data, metadata FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as Row[];
  const update = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?');
  const hashes = new Map<number, string>();
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const data = dataOf(row);
    const { hash: _old, ...metadata } = JSON.parse(row.metadata) as StoredMetadata;
    const hash = chainHash({
      streamId, revision: Number(row.revision), eventId: row.event_id, type: row.type, schemaVersion: Number(row.schema_version),
      data: JSON.parse(data), metadata: { ...metadata, prevHash },
    });
    update.run(data, JSON.stringify({ ...metadata, prevHash, hash }), row.position);
    hashes.set(Number(row.revision), hash);
    prevHash = hash;
  }
  db.prepare('UPDATE streams SET head_hash = ? WHERE stream_id = ?').run(prevHash, streamId);
  return hashes;
}
