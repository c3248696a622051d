// Per-request identity: request id, correlation id (validated, echoed), and the command
// metadata a controller hands to its command. Registered on Fastify by create-app.ts.
//
// Correlation ids a client chooses are namespaced by the caller: a signed-in user's X-Correlation-Id
// "x" is recorded as "<userId>:x", and an anonymous caller's is replaced by one the server issues.
// So a client can still tie its own requests together (the same "x" gives the same correlation,
// and the answer's X-Correlation-Id names it), but can never add events to another actor's
// correlation (the bootstrap's, a saga's, another customer's): those carry no prefix of its own.
// Issuing every id server-side would have cost clients that grouping; namespacing keeps it.
import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import type { Actor } from '../eventstore/event-store.port.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';
import { problemsOfParameter } from './openapi/problem-responses.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Any correlation id the service records: a client's under its caller's id (36 + 1 + 128), or one issued here. */
export const RECORDED_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,165}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The correlation this request's events join (see the top of this file); known once the caller is. */
    readonly correlationId: string;
    /** X-Correlation-Id as the client sent it (validated), if it sent one. */
    clientCorrelationId: string | undefined;
    /** The id issued for a request whose caller gave none, or may not choose one. */
    issuedCorrelationId: string;
    /** Set by the idempotency interceptor when the client sent an Idempotency-Key. */
    commandId?: string;
    actor: Actor;
  }
}

// Every request starts as the anonymous caller; AccessGuard (src/identity/access) replaces it
// with the authenticated user on @Permission routes. @Public routes (self-registration) keep it,
// and the events they record name it as the actor.
const ANONYMOUS: Actor = { userId: 'anonymous', roles: [] };

export const genRequestId = () => randomUUID();

export function registerRequestContext(fastify: FastifyInstance): void {
  fastify.decorateRequest('clientCorrelationId', undefined);
  fastify.decorateRequest('issuedCorrelationId', '');
  fastify.decorateRequest('correlationId', {
    getter(this: FastifyRequest): string {
      const { clientCorrelationId, actor } = this;
      return clientCorrelationId === undefined || actor === ANONYMOUS || !('userId' in actor) ? this.issuedCorrelationId : `${actor.userId}:${clientCorrelationId}`;
    },
  });
  // Hooks on every request take Fastify's callback style: an async hook costs promises per request.
  fastify.addHook('onRequest', assignRequestContext);
  // Echoed once the caller is known (after the access guard), so the client learns the id recorded.
  fastify.addHook('onSend', (request, reply, _payload, done) => {
    if (request.issuedCorrelationId !== '') reply.header('X-Correlation-Id', request.correlationId);
    done();
  });
}

function assignRequestContext(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const header = request.headers['x-correlation-id'];
  if (header !== undefined && (typeof header !== 'string' || !CORRELATION_ID.test(header))) {
    // Answered here: the rest of the request's hooks and its handler do not run (done is not called).
    reply.status(400).header('Content-Type', PROBLEM_CONTENT_TYPE)
      .send(problem(400, 'invalid_correlation_id', 'X-Correlation-Id must be 1-128 characters of A-Z a-z 0-9 . _ : -'));
    return;
  }
  request.clientCorrelationId = header;
  request.issuedCorrelationId = randomUUID();
  request.actor = ANONYMOUS;
  reply.header('X-Request-Id', request.id);
  done();
}

export function commandMetadataOf(request: FastifyRequest): CommandMetadata {
  return {
    commandId: request.commandId ?? randomUUID(),
    correlationId: request.correlationId,
    // A command sent over HTTP is caused by its request; a saga's commands name an event instead.
    causationId: request.id,
    requestId: request.id,
    actor: request.actor,
  };
}

/** The metadata for the command this request issues. */
export const CommandContext = createParamDecorator(
  (_: unknown, context: ExecutionContext) => commandMetadataOf(context.switchToHttp().getRequest<FastifyRequest>()),
  // What any command can answer once it reaches the write path (problem.ts maps these).
  [problemsOfParameter({ 409: ['concurrency_conflict'], 503: ['storage_full', 'storage_io_error', 'storage_fsync_failed', 'store_unavailable', 'key_store_unavailable'] })],
);
