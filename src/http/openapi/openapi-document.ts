// The OpenAPI document at /docs-json (UI at /docs). @nestjs/swagger builds it from the controllers;
// then each operation is completed from what its route declares to Nest, so the document says what
// the plumbing really answers: the bearer scheme or none (@Permission / @Public), 401/403, the
// validation 400s of a body or query, 413/415 for a body, 429 for commands and rate-limited reads,
// Idempotency-Key and its 409, and on every route X-Correlation-Id in and X-Request-Id out.
// A route's own problems, and those of X-Min-Position, If-Match and commands, are declared by
// their decorators (problem-responses.ts). test/openapi.int.spec.ts walks the result.
import { ParseUUIDPipe, RequestMethod, type INestApplication } from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ResponseObject } from './openapi-types.js';
import { accessDeclarationOfHandler, type AccessDeclaration } from '../../access/access.decorators.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import { REQUEST_HEADERS, declaredProblems, declaredRequestHeaders, type DocumentedHeader } from './problem-responses.js';

export function setUpOpenApi(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('orderstream')
      .setDescription(
        'Event-sourced order-to-cash backend. Commands answer {id, revision, position}; send position as X-Min-Position to read your own write. ' +
          'Every error is application/problem+json with a stable `code`; each operation lists the codes it can answer.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /v1/auth/token' })
      .build(),
  );
  completeOperations(document, routeHandlers(app));
  SwaggerModule.setup('docs', app, document);
  return document;
}

interface RouteHandler {
  operationId: string;
  controller: Function;
  methodName: string;
  handler: Function;
  httpMethod: string;
  access: AccessDeclaration | undefined;
}

function routeHandlers(app: INestApplication): RouteHandler[] {
  const discovery = app.get(DiscoveryService, { strict: false });
  const reflector = app.get(Reflector, { strict: false });
  const scanner = new MetadataScanner();
  const handlers: RouteHandler[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Function | null;
    if (!controller || !wrapper.instance) continue;
    const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, Function>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName]!;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      handlers.push({
        // @nestjs/swagger's default operation id.
        operationId: `${controller.name}_${methodName}`,
        controller, methodName, handler,
        httpMethod: RequestMethod[method],
        access: accessDeclarationOfHandler(reflector, handler, controller),
      });
    }
  }
  return handlers;
}

type Problems = Record<number, string[]>;

const add = (problems: Problems, status: number, ...codes: string[]) => {
  problems[status] = [...new Set([...(problems[status] ?? []), ...codes])];
};

/** What the route's declarations imply, beyond what its decorators declared. */
function impliedProblems(route: RouteHandler): { problems: Problems; headers: DocumentedHeader[] } {
  const problems: Problems = structuredClone(declaredProblems(route.handler));
  const headers = [REQUEST_HEADERS.correlationId, ...declaredRequestHeaders(route.handler)];
  add(problems, 400, 'invalid_correlation_id');
  if (route.access?.kind === 'permission') {
    add(problems, 401, 'unauthorized', 'invalid_token');
    add(problems, 403, 'forbidden');
  }
  // Nest keys a route's arguments "<RouteParamtypes>:<index>" (BODY 3, QUERY 4).
  const routeArgs = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.methodName) ?? {}) as Record<string, { pipes?: unknown[] }>;
  const args = Object.values(routeArgs);
  const argTypes = Object.keys(routeArgs).map((key) => key.split(':')[0]);
  if (argTypes.includes(String(3 /* RouteParamtypes.BODY */))) {
    add(problems, 400, 'validation_failed', 'malformed_body', 'body_too_deep');
    add(problems, 413, 'payload_too_large');
    add(problems, 415, 'unsupported_media_type');
  }
  if (argTypes.includes(String(4 /* RouteParamtypes.QUERY */))) add(problems, 400, 'validation_failed');
  if (args.some((arg) => arg.pipes?.some((pipe) => pipe instanceof ParseUUIDPipe))) add(problems, 400, 'invalid_id');
  const interceptors = [...metadataList(INTERCEPTORS_METADATA, route), ...metadataList(INTERCEPTORS_METADATA, route, true)];
  if (interceptors.includes(IdempotencyInterceptor)) {
    headers.push(REQUEST_HEADERS.idempotencyKey);
    add(problems, 400, 'invalid_idempotency_key');
    add(problems, 409, 'idempotency_key_reused');
  }
  // CommandRateLimitGuard (global) counts every method but GET; ReadRateLimitGuard some reads.
  const guards = [...metadataList(GUARDS_METADATA, route), ...metadataList(GUARDS_METADATA, route, true)];
  if (route.httpMethod !== 'GET' || guards.includes(ReadRateLimitGuard)) add(problems, 429, 'rate_limited');
  return { problems, headers };
}

function metadataList(key: string, route: RouteHandler, ofController = false): unknown[] {
  return (Reflect.getMetadata(key, ofController ? route.controller : route.handler) as unknown[] | undefined) ?? [];
}

export function completeOperations(document: OpenAPIObject, routes: RouteHandler[]): void {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
    headers: { ...document.components?.headers, ...COMMON_ANSWER_HEADERS },
  };
  const byId = new Map(routes.map((route) => [route.operationId, route]));
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      const route = operation?.operationId === undefined ? undefined : byId.get(operation.operationId);
      if (operation && route) completeOperation(operation, route);
    }
  }
}

function completeOperation(operation: OperationObject, route: RouteHandler): void {
  const { problems, headers } = impliedProblems(route);
  operation.security = route.access?.kind === 'permission' ? [{ bearer: [] }] : route.access?.identifiesCaller ? [{}, { bearer: [] }] : [];
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  for (const header of headers) {
    if (!parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === header.name.toLowerCase())) {
      parameters.push({ in: 'header', required: false, ...header });
    }
  }
  operation.parameters = parameters;
  for (const response of Object.values(operation.responses) as ResponseObject[]) {
    if (response) response.headers = { ...commonAnswerHeaderRefs(), ...response.headers };
  }
  for (const [status, codes] of Object.entries(problems).sort(([a], [b]) => Number(a) - Number(b))) {
    operation.responses[status] = problemResponse(Number(status), codes);
  }
}

function problemResponse(status: number, codes: string[]): ResponseObject {
  const retries = status === 429 || status === 503;
  return {
    description: `Problem: ${codes.map((code) => `\`${code}\``).join(', ')}`,
    headers: { ...commonAnswerHeaderRefs(), ...(retries ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {}) },
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object', properties: { status: { type: 'integer', enum: [status] }, code: { type: 'string', enum: codes } } }] },
      },
    },
  };
}

const commonAnswerHeaderRefs = () => ({
  'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
  'X-Correlation-Id': { $ref: '#/components/headers/X-Correlation-Id' },
});

const COMMON_ANSWER_HEADERS = {
  'X-Request-Id': { description: 'The id of this request (in the logs and as the causation of its events)', schema: { type: 'string', format: 'uuid' } },
  'X-Correlation-Id': { description: "The correlation this request's events joined", schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
};

const PROBLEM_SCHEMA = {
  type: 'object' as const,
  description: 'RFC 9457 problem details with a stable `code`',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' as const, example: 'urn:orderstream:problem:validation_failed' },
    title: { type: 'string' as const, example: 'Bad Request' },
    status: { type: 'integer' as const, example: 400 },
    code: { type: 'string' as const, example: 'validation_failed' },
    detail: { type: 'string' as const },
    errors: {
      type: 'array' as const,
      description: 'Per field, for validation_failed',
      items: { type: 'object' as const, required: ['field', 'messages'], properties: { field: { type: 'string' as const }, messages: { type: 'array' as const, items: { type: 'string' as const } } } },
    },
    retryAfter: { type: 'integer' as const, description: 'Seconds, for 429 and 503 (also the Retry-After header)' },
  },
};
