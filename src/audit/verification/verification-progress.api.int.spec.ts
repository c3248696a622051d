// GET /v1/audit/verify with Accept: application/x-ndjson (issue 13, Integrity "with progress"):
// progress lines, then the same report as the plain answer, in the one answer that runs the walk.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import { expectProblem } from '../../../test/support/expect-problem.js';
import { EVENT_STORE, type EventStore, type NewEvent } from '../../eventstore/event-store.port.js';
import { LogWalkTurns } from '../../http/log-walk-turns.js';
import { AUDIT_LOG_PREFIX, AUDIT_READ_RECORDED } from '../access-log/audit-read-log.js';
import type { VerificationLine } from './verification-progress.js';

const NDJSON = { accept: 'application/x-ndjson' };
// verifyLog reads the log a page (1000 events) at a time: this many gives several pages.
const STREAMS = 5;
const EVENTS_PER_STREAM = 700;

let api: ApiUnderTest;
let store: EventStore;

const counted = (n: number): NewEvent => ({
  eventId: randomUUID(), type: 'Counted', data: { n },
  metadata: { actor: { userId: 'filler', roles: [] }, commandId: randomUUID(), commandType: 'Count', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() },
});

function linesOf(text: string): VerificationLine[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as VerificationLine);
}

beforeAll(async () => {
  api = await startApi({ AUDIT_ANCHOR_INTERVAL_SECONDS: '0', RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER: '1000' });
  store = api.app.get<EventStore>(EVENT_STORE, { strict: false });
  for (let s = 0; s < STREAMS; s++) {
    await store.append(`counter-${randomUUID()}`, Array.from({ length: EVENTS_PER_STREAM }, (_, n) => counted(n)), 'no_stream');
  }
  await api.tokenFor('auditor');
}, 60_000);
afterAll(async () => {
  await api?.destroy();
});

describe('verify as NDJSON', () => {
  it('streams progress with non-decreasing positions up to the head, then the report the plain answer gives', async () => {
    const plain = await api.as('auditor').request('GET', '/v1/audit/verify');
    expect(plain.status).toBe(200);
    const streamed = await api.as('auditor').request<string>('GET', '/v1/audit/verify', { headers: NDJSON });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = linesOf(streamed.body);
    const progress = lines.filter((line) => line.kind === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    const positions = progress.map((line) => BigInt(line.position));
    positions.forEach((position, i) => expect(position).toBeGreaterThanOrEqual(i === 0 ? 1n : positions[i - 1]!));
    for (const line of progress) expect(BigInt(line.position)).toBeLessThanOrEqual(BigInt(line.head));
    expect(lines.slice(0, -1).every((line) => line.kind === 'progress')).toBe(true);
    const { kind, ...report } = lines.at(-1) as Extract<VerificationLine, { kind: 'report' }>;
    expect(kind).toBe('report');
    // Between the two walks only the records of audit reads were appended (the plain read's, after
    // its walk, and the streamed read's, before its walk); apart from them the reports are equal.
    const between = await store.readAll({ after: BigInt(plain.body.headPosition) });
    const covered = between.filter((event) => event.position <= BigInt(report.headPosition!));
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.every((event) => event.type === AUDIT_READ_RECORDED)).toBe(true);
    const newStreams = covered.filter((event) => event.revision === 0).length;
    expect(report).toEqual({ ...plain.body, headPosition: covered.at(-1)!.position.toString(), checkedEvents: plain.body.checkedEvents + covered.length, checkedStreams: plain.body.checkedStreams + newStreams });
    expect(report.checkedEvents).toBeGreaterThan(STREAMS * EVENTS_PER_STREAM);
    expect(report.ok).toBe(true);
  });

  it('records the streamed read in the access log, as the plain one', async () => {
    const answer = await api.as('auditor').request<string>('GET', '/v1/audit/verify', { headers: NDJSON });
    expect(answer.status).toBe(200);
    const reads = await store.readAll({ filter: { streamPrefixes: [AUDIT_LOG_PREFIX] } });
    expect(reads.at(-1)!.data).toMatchObject({ method: 'GET', route: '/v1/audit/verify', query: {} });
    // The record is written before the walk starts, so the walk covers it.
    expect(BigInt((linesOf(answer.body).at(-1) as { headPosition: string }).headPosition)).toBe(reads.at(-1)!.position);
  });

  it('answers 503 log_walk_busy as problem+json, before any line, while a verification holds the turn', async () => {
    const release = api.app.get(LogWalkTurns).take('chain verification');
    try {
      expectProblem(await api.as('auditor').request('GET', '/v1/audit/verify', { headers: NDJSON }), 503, 'log_walk_busy');
    } finally {
      release();
    }
    expect((await api.as('auditor').request('GET', '/v1/audit/verify', { headers: NDJSON })).status).toBe(200);
  });

  it('is described in the OpenAPI document: the report as JSON, or NDJSON when asked', async () => {
    const document = (await api.request('GET', '/docs-json')).body;
    const success = document.paths['/v1/audit/verify'].get.responses['200'];
    expect(Object.keys(success.content)).toEqual(['application/json', 'application/x-ndjson']);
    expect(success.content['application/json'].schema.$ref).toMatch(/VerificationReportDto$/);
  });

  it('is refused to a role without audit.verify-log, as problem+json', async () => {
    expectProblem(await api.as('customer').request('GET', '/v1/audit/verify', { headers: NDJSON }), 403, 'forbidden');
  });
});
