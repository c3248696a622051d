// Builds the HTTP application exactly as main.ts runs it; e2e tests use the same function.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { measureHttpRequests } from './observability/http-metrics.js';
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

export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
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
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: nestLogLevels(config.logLevel),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Beyond this many open connections, Node closes a new one as soon as it is accepted.
  fastify.server.maxConnections = config.http.maxConnections;
  registerRequestContext(fastify);
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

function nestLogLevels(level: AppConfig['logLevel']): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 }[level];
  return order.slice(0, upTo + 1);
}
