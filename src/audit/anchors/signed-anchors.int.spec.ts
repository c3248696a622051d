// Signed, chained anchors and witnesses over a real SQLite log, attacked through the file by
// someone without the audit key (test/support/log-forgery.ts): they change an event, recompute
// every chain, and rewrite the anchors to match.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../eventstore/event-store.port.js';
import { SqliteEventStore } from '../../eventstore/sqlite/sqlite-event-store.js';
import { forgeLog, rechain } from '../../../test/support/log-forgery.js';
import { generateSigningKeyPem, signingKeyFromPem } from '../export/signing-key.js';
import { verifyLog } from '../verification/log-verifier.js';
import { ANCHOR_STREAM, type AnchorRecordedData } from './anchor.js';
import { AnchorRecorder } from './anchor-recorder.js';
import { signAnchor, trustedKeysOf } from './anchor-signature.js';
import { witnessedAnchorOf, type WitnessedAnchor } from './anchor-witness.js';

const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const auditKey = signingKeyFromPem(generateSigningKeyPem().privateKeyPem, 'config');
const attackersKey = signingKeyFromPem(generateSigningKeyPem().privateKeyPem, 'config');
const trustedKeys = trustedKeysOf(auditKey);
const event = (n: number): NewEvent => ({
  eventId: randomUUID(), type: 'Counted', data: { n },
  metadata: { actor: { userId: 'u', roles: [] }, commandId: randomUUID(), commandType: 'Count', correlationId: 'c', causationId: 'c', occurredAt: clock.now().toISOString() },
});

let dir: string;
let file: string;
let store: SqliteEventStore;

async function append(stream: string, count: number) {
  const start = (await store.readStream(stream)).length;
  for (let i = 0; i < count; i++) await store.append(stream, [event(start + i)], start + i === 0 ? 'no_stream' : start + i - 1);
}

/** Two signed anchors over three streams; answers what a witness copied. */
async function signedHistory(): Promise<WitnessedAnchor[]> {
  const recorder = new AnchorRecorder(store, clock, auditKey);
  for (const stream of ['a-1', 'a-2', 'b-1']) await append(stream, 3);
  await recorder.record();
  await append('a-1', 2);
  await recorder.record();
  return (await store.readStream(ANCHOR_STREAM)).map(witnessedAnchorOf);
}

/** Closes the store, lets `attack` change the file, opens it again. */
async function attack(change: (file: string) => void) {
  await store.close();
  change(file);
  store = new SqliteEventStore(file);
}

const reasons = async (options: Parameters<typeof verifyLog>[1]) => (await verifyLog(store, options)).problems.map((p) => [p.streamId, p.reason]);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-signed-anchors-'));
  file = join(dir, 'events.db');
  store = new SqliteEventStore(file);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('signed anchors', () => {
  it('are signed with the audit key, each naming the anchor before it, and verify', async () => {
    await signedHistory();
    const anchors = await store.readStream(ANCHOR_STREAM);
    expect(anchors.map((a) => (a.data as AnchorRecordedData).keyId)).toEqual([auditKey.keyId, auditKey.keyId]);
    expect((anchors[1]!.data as AnchorRecordedData).previousAnchorHash).toBe(anchors[0]!.metadata.hash);
    const report = await verifyLog(store, { trustedKeys });
    expect(report).toMatchObject({ ok: true, anchors: { signed: 2, legacyUnsigned: 0 }, latestAnchor: { keyId: auditKey.keyId } });
  });

  it('are not believed under another key', async () => {
    await signedHistory();
    expect(await reasons({ trustedKeys: trustedKeysOf(attackersKey) })).toEqual([[ANCHOR_STREAM, 'anchor_signature_invalid'], [ANCHOR_STREAM, 'anchor_signature_invalid']]);
  });

  it('catch an event changed with every chain recomputed and the anchors rewritten (signatures kept)', async () => {
    await signedHistory();
    await attack((f) => forgeLog(f, 'a-1', 1, () => ({ n: 1000 }), 'keep-signatures'));
    // Every chain and root hash is consistent again: only the signatures tell.
    const found = await reasons({ trustedKeys });
    expect(found).toEqual([[ANCHOR_STREAM, 'anchor_signature_invalid'], [ANCHOR_STREAM, 'anchor_signature_invalid']]);
    expect((await verifyLog(store)).ok).toBe(false); // and without any trusted key, signed anchors are not believed either
  });

  it('catch anchors re-signed with a key of the attacker', async () => {
    await signedHistory();
    await attack((f) => {
      forgeLog(f, 'a-1', 1, () => ({ n: 1000 }), 'keep-signatures');
      const db = new Database(f);
      db.defaultSafeIntegers(true);
      rechain(db, ANCHOR_STREAM, (row) => {
        const { signature: _s, ...body } = JSON.parse(row.data) as AnchorRecordedData;
        return JSON.stringify(signAnchor({ ...body, keyId: attackersKey.keyId }, attackersKey));
      });
      db.close();
    });
    const detail = (await verifyLog(store, { trustedKeys })).problems.map((p) => p.detail);
    expect(detail).toEqual([expect.stringContaining('not a trusted audit key'), expect.stringContaining('not a trusted audit key')]);
  });

  it('catch an unsigned anchor added after signed ones', async () => {
    await signedHistory();
    await append('b-1', 1);
    await new AnchorRecorder(store, clock).record(); // no key: as a forger would
    expect(await reasons({ trustedKeys })).toEqual([[ANCHOR_STREAM, 'anchor_unsigned']]);
  });

  it('catch an earlier anchor altered and re-chained under a later signed one', async () => {
    await signedHistory();
    await attack((f) => {
      const db = new Database(f);
      db.defaultSafeIntegers(true);
      rechain(db, ANCHOR_STREAM, (row) => (row.revision === 0n ? row.data.replace('"streamCount":3', '"streamCount":3,"note":"x"') : row.data));
      db.close();
    });
    const found = await reasons({ trustedKeys });
    expect(found).toEqual([[ANCHOR_STREAM, 'anchor_signature_invalid'], [ANCHOR_STREAM, 'anchor_chain_broken']]);
  });

  it('accept unsigned anchors from before signing, covered by the first signed one', async () => {
    for (const stream of ['a-1', 'b-1']) await append(stream, 2);
    await new AnchorRecorder(store, clock).record(); // an anchor of an older version: unsigned
    await append('a-1', 1);
    await new AnchorRecorder(store, clock, auditKey).record();
    expect(await verifyLog(store, { trustedKeys })).toMatchObject({ ok: true, anchors: { signed: 1, legacyUnsigned: 1 } });
  });
});

describe('witnessed anchors', () => {
  it('a log that still holds the witnessed anchors verifies against them', async () => {
    const witness = await signedHistory();
    await append('b-1', 2); // the log goes on after the witness's copy
    expect(await verifyLog(store, { trustedKeys, witness })).toMatchObject({ ok: true, witnessedAnchors: 2 });
  });

  it('catch a log rewritten with its anchors stripped of their signatures (looking like an old log), which the store alone cannot tell', async () => {
    const witness = await signedHistory();
    await attack((f) => forgeLog(f, 'a-1', 1, () => ({ n: 1000 }), 'strip-signatures'));
    expect((await verifyLog(store, { trustedKeys })).ok).toBe(true); // the limit of a key kept inside: see the trust model
    const found = await reasons({ trustedKeys, witness });
    expect(found).toEqual(expect.arrayContaining([['a-1', 'anchor_mismatch'], [ANCHOR_STREAM, 'witness_mismatch']]));
  });

  it('catch the anchor stream cut back and the tail of a stream removed', async () => {
    const witness = await signedHistory();
    await attack((f) => {
      const db = new Database(f);
      db.exec(`DELETE FROM events WHERE stream_id = '${ANCHOR_STREAM}' AND revision = 1; DELETE FROM events WHERE stream_id = 'a-1' AND revision >= 3;
        UPDATE streams SET revision = 2 WHERE stream_id = 'a-1'; UPDATE streams SET revision = 0 WHERE stream_id = '${ANCHOR_STREAM}';`);
      db.close();
    });
    expect((await verifyLog(store, { trustedKeys })).ok).toBe(true); // consistent with the first anchor
    expect(await reasons({ trustedKeys, witness })).toEqual([['a-1', 'truncated'], [ANCHOR_STREAM, 'witness_mismatch']]);
  });

  it('a forged witness line (not signed by the audit key) is reported, not believed', async () => {
    const witness = await signedHistory();
    const forged = { ...witness[1]!, data: signAnchor({ ...witness[1]!.data, keyId: attackersKey.keyId }, attackersKey) };
    expect(await reasons({ trustedKeys, witness: [witness[0]!, forged] })).toEqual([[ANCHOR_STREAM, 'witness_invalid']]);
  });

  it('property: whatever event an attacker without the key changes, and however they rewrite the anchors, verify with a witness fails', async () => {
    const witness = await signedHistory();
    const pristine = join(dir, 'pristine.db');
    await store.backup(pristine);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('a-1', 'a-2', 'b-1'), fc.nat(2), fc.integer({ min: 100, max: 10_000 }), fc.constantFrom<'keep-signatures' | 'strip-signatures'>('keep-signatures', 'strip-signatures'),
        async (stream, revision, value, forgery) => {
          const copy = join(dir, `forged-${run++}.db`);
          const source = new Database(pristine, { readonly: true });
          await source.backup(copy);
          source.close();
          forgeLog(copy, stream, revision, () => ({ n: value }), forgery);
          const forged = new SqliteEventStore(copy);
          try {
            const report = await verifyLog(forged, { trustedKeys, witness });
            expect(report.ok).toBe(false);
            expect(report.problems.map((p) => p.reason)).toContain(forgery === 'keep-signatures' ? 'anchor_signature_invalid' : 'witness_mismatch');
          } finally {
            await forged.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
