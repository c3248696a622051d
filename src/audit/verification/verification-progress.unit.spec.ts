// The NDJSON lines of a verification with progress, over walks made up for the test (no store):
// order of the lines, the error line, and what happens to the walk when the client goes away.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Readable } from 'node:stream';
import type { VerificationReport } from './log-verifier.js';
import { verificationLines, type ProgressWalk, type VerificationLine } from './verification-progress.js';

const REPORT: VerificationReport = { ok: true, headPosition: '9', checkedEvents: 9, checkedStreams: 1, latestAnchor: null, anchors: { signed: 0, legacyUnsigned: 0 }, problems: [], problemCount: 0 };
const describeError = (error: unknown) => ({ code: 'store_unavailable', detail: error instanceof Error ? error.message : 'failed' });
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function read(lines: Readable): Promise<VerificationLine[]> {
  let text = '';
  for await (const chunk of lines) text += String(chunk);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as VerificationLine);
}

/** A walk over `pages` (each the last position of a page), a turn of the event loop per page, as logPages gives. */
const walkOver = (pages: bigint[], ending: () => VerificationReport = () => REPORT): ProgressWalk => async (onProgress) => {
  for (const position of pages) {
    await tick();
    onProgress(position, pages.at(-1)!);
  }
  return ending();
};

describe('verificationLines', () => {
  it('sends some of the pages\' positions in order, then the report; and gives back the turn once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.bigInt({ min: 1n, max: 10_000n }), { minLength: 1, maxLength: 30 }), fc.constantFrom(0, 1, 5), async (positions, everyMs) => {
        const pages = [...positions].sort((a, b) => (a < b ? -1 : 1));
        let released = 0;
        const lines = await read(verificationLines(walkOver(pages), { everyMs, describe: describeError, release: () => (released += 1) }));
        expect(lines.at(-1)).toEqual({ kind: 'report', ...REPORT });
        const sent = lines.slice(0, -1).map((line) => (line.kind === 'progress' ? BigInt(line.position) : undefined));
        expect(sent.length).toBeGreaterThan(0);
        // A subsequence of the pages, in their order: conflated, never reordered or made up.
        let at = 0;
        for (const position of sent) {
          at = pages.indexOf(position!, at);
          expect(at).toBeGreaterThanOrEqual(0);
        }
        expect(released).toBe(1);
      }),
      { numRuns: 40 },
    );
  });

  it('ends with an error line carrying the code, not the stack, when the walk fails after the answer began', async () => {
    let released = 0;
    const failing = walkOver([1n, 2n], () => {
      throw new Error('disk gone');
    });
    const lines = await read(verificationLines(failing, { everyMs: 0, describe: describeError, release: () => (released += 1) }));
    expect(lines.at(-1)).toEqual({ kind: 'error', code: 'store_unavailable', detail: 'disk gone' });
    expect(lines.slice(0, -1).every((line) => line.kind === 'progress')).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/\s+at\s.+:\d+:\d+/);
    expect(released).toBe(1);
  });

  it('stops the walk at its next page when the client goes away, and gives back the turn when the walk has stopped', async () => {
    let pagesWalked = 0;
    let released = 0;
    const endless: ProgressWalk = async (onProgress) => {
      for (let page = 1n; page <= 10_000n; page++) {
        await tick();
        pagesWalked += 1;
        onProgress(page, 10_000n);
      }
      return REPORT;
    };
    const lines = verificationLines(endless, { everyMs: 0, describe: describeError, release: () => (released += 1) });
    const first = await new Promise<string>((resolve) => lines.once('data', (chunk) => resolve(String(chunk))));
    expect(JSON.parse(first)).toMatchObject({ kind: 'progress' });
    lines.destroy();
    for (let i = 0; i < 50 && released === 0; i++) await tick();
    expect(released).toBe(1);
    const stoppedAt = pagesWalked;
    for (let i = 0; i < 20; i++) await tick();
    expect(pagesWalked).toBe(stoppedAt);
    expect(stoppedAt).toBeLessThan(10_000);
  });

  it('gives back the turn when the answer is dropped before its first read (its read could not be recorded)', async () => {
    let released = 0;
    let walked = false;
    const lines = verificationLines(async () => {
      walked = true;
      return REPORT;
    }, { everyMs: 0, describe: describeError, release: () => (released += 1) });
    lines.destroy();
    await tick();
    expect(released).toBe(1);
    expect(walked).toBe(false);
  });
});
