// One access line per request, and the request's ids on every line written while it is handled.
//
// Why not pino-http's middleware (what nestjs-pino installs): it runs on Node's raw request,
// before Fastify has matched the route and before the access guard knows the caller, so it could
// name neither the route pattern, nor the correlation id recorded (which depends on the caller),
// nor the user. These
// Fastify hooks read all three from Fastify's request, and never its headers or body, so a token
// or a password cannot reach the access line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { withLogContext, type LogFields } from './log-context.js';
import { AuthFailureBursts } from './auth-failure-bursts.js';

/** Routes scraped by machines every few seconds: their access lines are debug, not info. */
const PROBE_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

export function logRequests(fastify: FastifyInstance, logger: Logger, bursts = new AuthFailureBursts()): void {
  // Callback style on purpose: the rest of the request's hooks and its handler run inside done(),
  // so everything they start (awaits included) sees this request's ids.
  fastify.addHook('onRequest', (request, _reply, done) => {
    withLogContext(() => requestIds(request), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    writeAccessLine(logger, request, reply, bursts);
    done();
  });
}

/** The ids of a request as they stand now (the correlation id and user are known after the access guard). */
function requestIds(request: FastifyRequest): LogFields {
  const userId = request.actor !== undefined && 'userId' in request.actor && request.actor.userId !== 'anonymous' ? request.actor.userId : undefined;
  return {
    requestId: request.id,
    ...(request.issuedCorrelationId ? { correlationId: request.correlationId } : {}),
    ...(userId === undefined ? {} : { userId }),
  };
}

function writeAccessLine(logger: Logger, request: FastifyRequest, reply: FastifyReply, bursts: AuthFailureBursts): void {
  const route = request.routeOptions.url ?? '(no route)';
  const statusCode = reply.statusCode;
  const line = {
    event: 'request',
    method: request.method,
    route,
    statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    ...requestIds(request),
  };
  if (statusCode >= 500) logger.error(line, 'request failed');
  else if (statusCode === 429) logger.warn({ ...line, event: 'rate_limited', clientIp: request.ip }, 'request refused: rate limit');
  else if (PROBE_ROUTES.has(route)) logger.debug(line, 'request completed');
  else logger.info(line, 'request completed');
  if (statusCode === 401 || statusCode === 403) {
    const burst = bursts.note(request.ip);
    if (burst !== undefined) {
      logger.warn({ event: 'auth_failures_burst', clientIp: request.ip, failures: burst.failures, windowSeconds: burst.windowSeconds }, `${burst.failures} requests from ${request.ip} refused 401/403 within a minute`);
    }
  }
}
