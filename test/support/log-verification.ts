// Checks on a whole event log and its read models, for tests that open a service's files after
// it has exited (crash and restart specs): is the log intact, and what do the read models look
// like when rebuilt from it from scratch?
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, Position, RecordedEvent } from '../../src/eventstore/event-store.port.js';
import { findChainBreak } from '../../src/eventstore/hash-chain.js';
import { EmbeddedReadStore } from '../../src/readstore/embedded/embedded-read-store.js';
import type { ReadDocument, ReadStore } from '../../src/readstore/read-store.port.js';
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import { ProjectionEngine } from '../../src/projection-engine/projection-engine.js';
import { systemClock } from '../../src/clock/clock.js';
import { personalData } from '../../src/personal-data-declarations.js';
import { SqliteSubjectKeyStore } from '../../src/personal-data/sqlite/sqlite-subject-key-store.js';
import { SubjectKeys } from '../../src/personal-data/subject-keys.js';
import type { SubjectKeyStore } from '../../src/personal-data/subject-key-store.port.js';

/** Every event of $all, read in pages in position order. */
export async function readWholeLog(store: EventStore, pageSize = 1000): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    events.push(...page);
    if (page.length < pageSize) return events;
    after = page.at(-1)!.position;
  }
}

/** $all split into streams, each in the order $all holds it. */
export function streamsOf(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    let stream = streams.get(event.streamId);
    if (!stream) streams.set(event.streamId, (stream = []));
    stream.push(event);
  }
  return streams;
}

/**
 * What is wrong with the log, as readable lines (empty: nothing). Checks that positions are
 * strictly increasing, that event ids are unique, and for every stream: revisions 0..n-1 in
 * position order, that reading the stream gives the same events as $all does, and that its
 * hash chain verifies.
 */
export async function logProblems(store: EventStore, events: readonly RecordedEvent[]): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 1; i < events.length; i++) {
    if (!(events[i]!.position > events[i - 1]!.position)) {
      problems.push(`$all: position ${events[i]!.position} follows ${events[i - 1]!.position}`);
    }
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (ids.has(event.eventId)) problems.push(`event id ${event.eventId} is stored twice`);
    ids.add(event.eventId);
  }
  const head = await store.headPosition();
  if (head !== events.at(-1)?.position) problems.push(`head position ${head} but the last event of $all is at ${events.at(-1)?.position}`);
  for (const [streamId, inAll] of streamsOf(events)) {
    inAll.forEach((event, revision) => {
      if (event.revision !== revision) problems.push(`${streamId}: revision ${event.revision} where ${revision} was due (position ${event.position})`);
    });
    const read = await store.readStream(streamId);
    const key = (e: RecordedEvent) => `${e.revision}@${e.position}:${e.eventId}`;
    if (read.map(key).join() !== inAll.map(key).join()) problems.push(`${streamId}: readStream and $all disagree`);
    const broken = findChainBreak(read);
    if (broken) problems.push(`${streamId}: hash chain broken at revision ${broken.revision} (${broken.reason})`);
  }
  return problems;
}

/**
 * The events as the service reads them: personal values opened with the key store in `dataDir`
 * (erased subjects' as erased). The stored events hold them sealed, which is what chains check;
 * read models are folded from the opened ones.
 */
export async function openedLog(events: readonly RecordedEvent[], dataDir: string): Promise<RecordedEvent[]> {
  return openedLogWith(events, SqliteSubjectKeyStore.inDataDir(dataDir));
}

/** The same with the keys from a key store of the caller's choosing (e.g. MongoDB's); closes it. */
export async function openedLogWith(events: readonly RecordedEvent[], keyStore: SubjectKeyStore): Promise<RecordedEvent[]> {
  try {
    const keys = new SubjectKeys(keyStore, systemClock);
    const opened: RecordedEvent[] = [];
    for (const event of events) opened.push(await personalData.open(event, keys));
    return opened;
  } finally {
    await keyStore.close();
  }
}

export type DocumentsByCollection = Record<string, ReadDocument[]>;

/** Every document of each projection's collection, sorted by _id. */
export async function documentsOf(readStore: ReadStore, projections: readonly DocumentProjection[]): Promise<DocumentsByCollection> {
  const result: DocumentsByCollection = {};
  for (const { collection } of projections) {
    result[collection.name] = await readStore.find(collection.name, {}, { sort: { _id: 1 } });
  }
  return result;
}

/**
 * The read models rebuilt from scratch: the events run through each projection's engine, in
 * batches as the runner delivers them, into a fresh embedded read store in a temp dir.
 */
export async function rebuildReadModels(
  events: readonly RecordedEvent[],
  projections: readonly DocumentProjection[],
  batchSize = 200,
): Promise<DocumentsByCollection> {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-rebuild-'));
  const store = EmbeddedReadStore.inDataDir(dir);
  try {
    for (const projection of projections) {
      const engine = new ProjectionEngine(projection);
      await store.ensureCollection(projection.collection);
      for (let start = 0; start < events.length; start += batchSize) {
        const { writes, checkpoint } = await engine.apply(store, events.slice(start, start + batchSize));
        await store.commit({ subscriber: `rebuild-${projection.name}`, writes, checkpoint });
      }
    }
    return await documentsOf(store, projections);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
