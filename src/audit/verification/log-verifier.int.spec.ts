// Chain verification and anchors over a real SQLite log, tampered with through the file.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../eventstore/event-store.port.js';
import { SqliteEventStore } from '../../eventstore/sqlite/sqlite-event-store.js';
import { ANCHOR_STREAM } from '../anchors/anchor.js';
import { AnchorRecorder } from '../anchors/anchor-recorder.js';
import { verifyLog } from './log-verifier.js';

const clock = { now: () => new Date('2026-11-23T12:00:00Z') };
const event = (n: number): NewEvent => ({
  eventId: randomUUID(), type: 'Counted', data: { n },
  metadata: { actor: { userId: 'u', roles: [] }, commandId: randomUUID(), commandType: 'Count', correlationId: 'c', causationId: 'c', occurredAt: clock.now().toISOString() },
});

let dir: string;
let file: string;
let store: SqliteEventStore;

async function fill() {
  for (const stream of ['a-1', 'a-2', 'b-1']) {
    for (let i = 0; i < 4; i++) await store.append(stream, [event(i)], i === 0 ? 'no_stream' : i - 1);
  }
}

/** Closes the store, changes the file with SQL, opens it again. */
async function tamper(sql: string) {
  await store.close();
  const db = new Database(file);
  db.exec(sql);
  db.close();
  store = new SqliteEventStore(file);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderstream-verify-'));
  file = join(dir, 'events.db');
  store = new SqliteEventStore(file);
  await fill();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('verifyLog', () => {
  it('finds an intact log intact', async () => {
    const report = await verifyLog(store);
    expect(report).toMatchObject({ ok: true, checkedEvents: 12, checkedStreams: 3, problems: [], problemCount: 0, latestAnchor: null });
  });

  it('reports an edited event, once, at its stream', async () => {
    await tamper(`UPDATE events SET data = '{"n":99}' WHERE stream_id = 'a-2' AND revision = 1`);
    const report = await verifyLog(store);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ streamId: 'a-2', revision: 1, reason: 'hash_mismatch' })]);
  });

  it('reports an event edited with its hash recomputed at the next link', async () => {
    const [original] = await store.readStream('b-1', { fromRevision: 2, maxCount: 1 });
    await tamper(`UPDATE events SET metadata = json_set(metadata, '$.hash', '${'f'.repeat(64)}') WHERE event_id = '${original!.eventId}'`);
    const report = await verifyLog(store);
    expect(report.problems.map((p) => [p.streamId, p.revision, p.reason])).toEqual([['b-1', 2, 'hash_mismatch']]);
  });

  it('reports a removed event in the middle of a stream', async () => {
    await tamper(`DELETE FROM events WHERE stream_id = 'a-1' AND revision = 1`);
    const report = await verifyLog(store);
    expect(report.problems.map((p) => [p.streamId, p.revision, p.reason])).toEqual([['a-1', 2, 'revision_gap']]);
  });

  it('cannot see a tail cut from the chains alone', async () => {
    await tamper(`DELETE FROM events WHERE stream_id = 'a-1' AND revision = 3`);
    expect((await verifyLog(store)).ok).toBe(true);
  });

  it('sees a tail cut once an anchor covers the tail', async () => {
    const recorder = new AnchorRecorder(store, clock);
    const outcome = await recorder.record();
    expect(outcome).toMatchObject({ recorded: true, anchor: { streamCount: 3, revision: 0 } });
    expect(await recorder.record()).toMatchObject({ recorded: false }); // nothing new: no second anchor
    const anchored = await verifyLog(store);
    expect(anchored).toMatchObject({ ok: true, latestAnchor: { rootHash: outcome.anchor!.rootHash } });
    expect(anchored.checkedStreams).toBe(4); // the anchor stream's own chain is checked too

    await tamper(`DELETE FROM events WHERE stream_id IN ('a-1', 'b-1') AND revision >= 2`);
    const report = await verifyLog(store);
    expect(report.problems.map((p) => [p.streamId, p.revision, p.reason])).toEqual([
      ['a-1', 2, 'truncated'],
      ['b-1', 2, 'truncated'],
    ]);
  });

  it('sees a stream rewritten with a fresh, valid chain through the anchor', async () => {
    await new AnchorRecorder(store, clock).record();
    await store.close();
    // Rewrite b-1 from scratch in another file with other data, and splice it in.
    const forged = new SqliteEventStore(join(dir, 'forged.db'));
    for (let i = 0; i < 4; i++) await forged.append('b-1', [event(100 + i)], i === 0 ? 'no_stream' : i - 1);
    await forged.close();
    const db = new Database(file);
    db.exec(`ATTACH '${join(dir, 'forged.db')}' AS forged;
      UPDATE events SET data = (SELECT f.data FROM forged.events f WHERE f.revision = events.revision),
        metadata = (SELECT f.metadata FROM forged.events f WHERE f.revision = events.revision),
        event_id = (SELECT f.event_id FROM forged.events f WHERE f.revision = events.revision)
      WHERE stream_id = 'b-1';`);
    db.close();
    store = new SqliteEventStore(file);
    const report = await verifyLog(store);
    expect(report.problems.map((p) => [p.streamId, p.revision, p.reason])).toEqual([['b-1', 3, 'anchor_mismatch']]);
  });

  it('keeps anchors small: the next anchor holds only the heads that changed', async () => {
    const recorder = new AnchorRecorder(store, clock);
    await recorder.record();
    await store.append('b-1', [event(4)], 3);
    await recorder.record();
    const anchors = await store.readStream(ANCHOR_STREAM);
    expect(anchors.map((a) => Object.keys((a.data as { streamHeads: object }).streamHeads))).toEqual([['a-1', 'a-2', 'b-1'], ['b-1']]);
    // A fresh recorder (after a restart) picks up where the anchors left off.
    expect(await new AnchorRecorder(store, clock).record()).toMatchObject({ recorded: false });
    expect((await verifyLog(store)).ok).toBe(true);
  });

  it('reports an altered anchor', async () => {
    await new AnchorRecorder(store, clock).record();
    await tamper(`UPDATE events SET data = json_set(data, '$.streamHeads."a-1".revision', 1) WHERE stream_id = '${ANCHOR_STREAM}'`);
    const reasons = (await verifyLog(store)).problems.map((p) => [p.streamId, p.reason]);
    expect(reasons).toEqual(expect.arrayContaining([[ANCHOR_STREAM, 'hash_mismatch'], [ANCHOR_STREAM, 'anchor_invalid']]));
  });
});
