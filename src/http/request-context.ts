// Per-request identity: request id, correlation id (validated, echoed), and the command
// metadata a controller hands to its command. Registered as Fastify hooks in create-app.ts.
import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import type { Actor } from '../eventstore/event-store.port.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
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

export async function assignRequestContext(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const header = request.headers['x-correlation-id'];
  if (header !== undefined && (typeof header !== 'string' || !CORRELATION_ID.test(header))) {
    reply.status(400).header('Content-Type', PROBLEM_CONTENT_TYPE)
      .send(problem(400, 'invalid_correlation_id', 'X-Correlation-Id must be 1-128 characters of A-Z a-z 0-9 . _ : -'));
    return reply;
  }
  request.correlationId = header ?? randomUUID();
  request.actor = ANONYMOUS;
  reply.header('X-Correlation-Id', request.correlationId).header('X-Request-Id', request.id);
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
export const CommandContext = createParamDecorator((_: unknown, context: ExecutionContext) =>
  commandMetadataOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
