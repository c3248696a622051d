// Optimistic concurrency over HTTP: GET answers ETag "<revision>", a write may send If-Match.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from './problem.js';
import { REQUEST_HEADERS, headerOfParameter, problemsOfParameter } from './openapi/problem-responses.js';

export const etagOf = (revision: number) => `"${revision}"`;

export const IfMatchRevision = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim()) : null;
  if (!match) throw new ProblemException(400, 'invalid_if_match', 'If-Match must be an ETag from a previous answer, like "3"');
  return Number(match[1]);
}, [
  problemsOfParameter({ 400: ['invalid_if_match'], 412: ['precondition_failed'] }),
  headerOfParameter(REQUEST_HEADERS.ifMatch),
]);
