// The one shape of every refusal (RFC 9457 problem details with a stable code), asserted in one place.
import { expect } from '@jest/globals';
import type { HttpAnswer } from './api-client.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Status, `code` and its `type` URI, the problem+json content type, and no stack trace. */
export function expectProblem(answer: HttpAnswer, status: number, code: string): void {
  expect({ status: answer.status, type: answer.body?.type, code: answer.body?.code }).toEqual({ status, type: `urn:orderstream:problem:${code}`, code });
  expect(answer.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
  expect(JSON.stringify(answer.body)).not.toMatch(/\s+at\s.+\(.+:\d+:\d+\)/);
}
