// Builds the HTTP application exactly as main.ts runs it; e2e tests use the same function.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import type { Logger } from 'pino';
import { measureHttpRequests } from './observability/http-metrics.js';
import { nestLoggerOver } from './observability/logging/nest-logger.js';
import { logRequests } from './observability/logging/request-logging.js';
import { createRootLogger } from './observability/logging/root-logger.js';
import { depthLimitedJsonParser } from './http/body-depth.js';
import { closeConnectionsWhileDraining } from './http/graceful-shutdown.js';
import { setUpOpenApi } from './http/openapi/openapi-document.js';
import { ProblemFilter } from './http/problem.filter.js';
import { toProblem } from './http/problem.js';
import { refuseOperatorKeys } from './http/operator-keys.js';
import { registerRequestContext } from './http/request-context.js';
import { applySecurityDefences, fastifyTrustProxy } from './http/security-defences.js';
import { sendProblem } from './http/send-problem.js';
import { validationPipe } from './http/validation.js';

/** The service's root logger for these settings (main.ts writes the start and stop lines with it). */
export function rootLoggerFor(config: AppConfig): Logger {
  return createRootLogger({ level: config.logLevel, production: config.security.production });
}

export async function createApp(config: AppConfig, logger: Logger = rootLoggerFor(config)): Promise<NestFastifyApplication> {
  mkdirSync(config.dataDir, { recursive: true });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    // Slow clients (http-config.ts): Node checks the header and request timeouts every second.
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionTimeout: config.http.connectionTimeoutMs,
    http: { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    genReqId: () => randomUUID(),
    // Whose X-Forwarded-For to believe for the client IP (rate limits): nobody's unless TRUST_PROXY says.
    trustProxy: fastifyTrustProxy(config.security.trustProxy),
    // A path parameter longer than this cannot be an id of ours (answered 400 invalid_id).
    routerOptions: { maxParamLength: 200 },
    // Errors of the router itself (an over-long path parameter, a malformed URL) come here,
    // outside Nest's exception layer.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, toProblem(error)),
    // Fastify's own request logging is off: request-logging.ts writes one access line of our shape.
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: nestLoggerOver(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Beyond this many open connections, Node closes a new one as soon as it is accepted.
  fastify.server.maxConnections = config.http.maxConnections;
  registerRequestContext(fastify);
  // After the request context: the access line and every inner line name its ids.
  logRequests(fastify, logger);
  fastify.addHook('preHandler', refuseOperatorKeys);
  applySecurityDefences(app, config);
  measureHttpRequests(fastify);
  // Only JSON bodies: anything else is refused with 415 before it reaches a route.
  fastify.removeContentTypeParser(['text/plain']);
  // ...and none nested deeper than MAX_BODY_DEPTH (400 body_too_deep, before parsing and validation).
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimit }, depthLimitedJsonParser(fastify, config.maxBodyDepth));
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(validationPipe());
  // Signals are handled by main.ts, which drains HTTP before the modules stop (graceful-shutdown.ts).
  closeConnectionsWhileDraining(fastify);
  setUpOpenApi(app);
  return app;
}
