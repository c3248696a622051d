// The OpenAPI document at /docs-json, walked operation by operation: each has a summary, a success
// answer with a schema, its request body's schema, its problem+json answers with their codes, its
// security and the headers it reads; the whole validates as OpenAPI 3. Then the document is held
// to what the running service answers: every route is in it, a documented bearer route refuses an
// anonymous caller with a documented 401 code, and a documented header really is read (a malformed
// value is refused with the documented 400 code).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService } from '@nestjs/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startApi, type ApiUnderTest } from '../../../test/support/api-under-test.js';
import type { Role } from '../../access/roles.js';

let api: ApiUnderTest;
let document: any;

interface Operation {
  method: string;
  path: string;
  operation: any;
}

let operations: Operation[] = [];

beforeAll(async () => {
  api = await startApi();
  const answer = await api.request('GET', '/docs-json');
  expect(answer.status).toBe(200);
  document = answer.body;
  operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method)).map(([method, operation]) => ({ method, path, operation })),
  );
});
afterAll(async () => {
  await api?.destroy();
});

const label = ({ method, path }: Operation) => `${method.toUpperCase()} ${path}`;
const resolve = (schema: any): any => (schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema);
/** A concrete path for a templated one (any UUID for an id: the header checks run before the lookup). */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '4b4e1c2a-8d0b-4c7e-9a61-2f3a5b6c7d8e');

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\./);
  });

  it('documents every route the service serves through a controller (but /metrics and the console, which are not API)', async () => {
    const inventory = await api.as('admin').request('GET', '/v1/admin/access-control');
    expect(inventory.status).toBe(200);
    const served = (inventory.body.routes as { method: string; path: string }[])
      .map(({ method, path }) => `${method.toLowerCase()} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`)
      // /metrics is for scrapers; /console serves the audit console's page and files.
      .filter((route) => route !== 'get /metrics' && !route.startsWith('get /console'));
    const documented = operations.map(({ method, path }) => `${method} ${path}`);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('gives every operation a summary, a success answer with a schema and a security requirement', () => {
    const lacking: string[] = [];
    for (const op of operations) {
      const { operation } = op;
      if (!(typeof operation.summary === 'string' && operation.summary.length > 3)) lacking.push(`${label(op)}: summary`);
      const successes = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (successes.length !== 1) lacking.push(`${label(op)}: exactly one success answer`);
      for (const [status, response] of successes as [string, any][]) {
        const media = Object.values(response.content ?? {}) as any[];
        if (media.length === 0 || !media.every((one) => one.schema && (one.schema.$ref || one.schema.type || one.schema.allOf))) lacking.push(`${label(op)}: ${status} schema`);
      }
      if (!Array.isArray(operation.security)) lacking.push(`${label(op)}: security`);
      // A route where a token is optional ([{}, {bearer}]) treats a bad one as no token: no 401.
      const bearer = operation.security?.length === 1 && 'bearer' in operation.security[0];
      if (bearer && !operation.responses['401']) lacking.push(`${label(op)}: 401`);
      if (operation['x-permission'] && !operation.responses['403']) lacking.push(`${label(op)}: 403`);
      if (['post', 'put', 'patch'].includes(op.method) && operation.requestBody) {
        const schema = resolve(operation.requestBody.content?.['application/json']?.schema);
        if (!schema?.properties) lacking.push(`${label(op)}: request body schema`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it('gives every operation its problem answers as application/problem+json with their codes', () => {
    const lacking: string[] = [];
    for (const op of operations) {
      const problems = Object.entries(op.operation.responses).filter(([status]) => /^[45]\d\d$/.test(status)) as [string, any][];
      // Every route reads X-Correlation-Id, so every route can answer at least a 400.
      if (!problems.some(([status]) => status === '400')) lacking.push(`${label(op)}: 400`);
      for (const [status, response] of problems) {
        // A failing health check answers its report (Kubernetes and load balancers read the status).
        if (op.path.startsWith('/health') && status === '503' && response.content?.['application/json']?.schema) continue;
        const schema = response.content?.['application/problem+json']?.schema;
        const codes = schema?.allOf?.[1]?.properties?.code?.enum;
        if (!Array.isArray(codes) || codes.length === 0) lacking.push(`${label(op)}: ${status} codes`);
        if (schema?.allOf?.[0]?.$ref !== '#/components/schemas/Problem') lacking.push(`${label(op)}: ${status} Problem schema`);
        if ((status === '429' || status === '503') && !response.headers?.['Retry-After']) lacking.push(`${label(op)}: ${status} Retry-After`);
      }
      if (op.method !== 'get' && !op.operation.responses['429']) lacking.push(`${label(op)}: 429 (commands are rate limited)`);
      const headers = (op.operation.parameters ?? []).filter((parameter: any) => parameter.in === 'header').map((parameter: any) => parameter.name);
      if (!headers.includes('X-Correlation-Id')) lacking.push(`${label(op)}: X-Correlation-Id`);
      if (headers.includes('Idempotency-Key') && !op.operation.responses['409']) lacking.push(`${label(op)}: 409 for a reused Idempotency-Key`);
      if (headers.includes('If-Match') && !op.operation.responses['412']) lacking.push(`${label(op)}: 412 for If-Match`);
      if (headers.includes('X-Min-Position') && !op.operation.responses['503']) lacking.push(`${label(op)}: 503 for X-Min-Position`);
      for (const response of Object.values(op.operation.responses) as any[]) {
        if (!response.headers?.['X-Request-Id']) lacking.push(`${label(op)}: X-Request-Id`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it('names the headers of the flows the README describes', () => {
    const headerOf = (method: string, path: string) =>
      (operations.find((op) => op.method === method && op.path === path)?.operation.parameters ?? []).filter((p: any) => p.in === 'header').map((p: any) => p.name);
    expect(headerOf('post', '/v1/orders')).toEqual(expect.arrayContaining(['Idempotency-Key', 'X-Min-Position', 'X-Correlation-Id']));
    expect(headerOf('post', '/v1/orders/{id}/cancel')).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match']));
    expect(headerOf('get', '/v1/orders/{id}')).toContain('X-Min-Position');
    const created = operations.find((op) => op.method === 'post' && op.path === '/v1/orders')!.operation.responses['201'];
    expect(Object.keys(created.headers)).toEqual(expect.arrayContaining(['Location']));
    expect(Object.keys(operations.find((op) => op.method === 'get' && op.path === '/v1/orders/{id}')!.operation.responses['200'].headers)).toContain('ETag');
  });
});

describe('the document agrees with the service', () => {
  it("documents each operation's success status as the one its route answers", async () => {
    const discovery = api.app.get(DiscoveryService, { strict: false });
    const wrong: string[] = [];
    for (const wrapper of discovery.getControllers()) {
      const prototype = wrapper.instance && (Object.getPrototypeOf(wrapper.instance) as Record<string, Function>);
      for (const op of operations) {
        const [controllerName, methodName] = String(op.operation.operationId).split('_');
        if (!prototype || controllerName !== wrapper.name || !methodName) continue;
        const documented = Number(Object.keys(op.operation.responses).find((status) => /^2\d\d$/.test(status)));
        const declared = Reflect.getMetadata(HTTP_CODE_METADATA, prototype[methodName]!) as number | undefined;
        // Nest's defaults (routes answering through @Res() keep them too: asked below).
        const expected = declared ?? (op.method === 'post' ? 201 : 200);
        if (documented !== expected) {
          wrong.push(`${label(op)}: documented ${documented}, answers ${expected}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // The routes that answer through @Res() themselves, asked.
    for (const [method, path, role] of [['GET', '/health/live', undefined], ['POST', '/v1/admin/backup', 'admin'], ['POST', '/v1/admin/backup/credentials', 'admin']] as const) {
      const answer = role === undefined ? await api.request(method, path) : await api.as(role).request(method, path);
      const op = operations.find((one) => one.method === method.toLowerCase() && one.path === path)!;
      expect(op.operation.responses[String(answer.status)]).toBeDefined();
      expect(answer.status).toBeLessThan(300);
    }
  });

  it('every operation that requires a bearer token refuses an anonymous caller with a documented 401 code', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter(({ operation }) => operation.security?.length === 1 && 'bearer' in operation.security[0])) {
      const answer = await api.request(op.method.toUpperCase(), concrete(op.path));
      const codes = op.operation.responses['401']?.content['application/problem+json'].schema.allOf[1].properties.code.enum ?? [];
      if (answer.status !== 401 || !codes.includes(answer.body.code)) wrong.push(`${label(op)}: ${answer.status} ${answer.body?.code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('an operation that documents X-Min-Position, Idempotency-Key or If-Match refuses a malformed one with the documented 400 code', async () => {
    const malformed: Record<string, [string, string]> = {
      'X-Min-Position': ['not-a-position', 'invalid_min_position'],
      'Idempotency-Key': ['bad key with spaces', 'invalid_idempotency_key'],
      'If-Match': ['three', 'invalid_if_match'],
    };
    const wrong: string[] = [];
    let checked = 0;
    for (const op of operations) {
      const role = op.operation['x-permission']?.roles?.[0] as Role | undefined;
      const headers = (op.operation.parameters ?? []).filter((p: any) => p.in === 'header' && p.name in malformed).map((p: any) => p.name as string);
      for (const header of headers) {
        const [value, code] = malformed[header]!;
        const send = role === undefined ? api.request.bind(api) : api.as(role).request;
        const answer = await send(op.method.toUpperCase(), concrete(op.path), { headers: { [header]: value }, ...(op.method === 'get' ? {} : { body: {} }) });
        const documented = op.operation.responses['400'].content['application/problem+json'].schema.allOf[1].properties.code.enum;
        checked += 1;
        if (answer.status !== 400 || answer.body.code !== code || !documented.includes(code)) wrong.push(`${label(op)} ${header}: ${answer.status} ${answer.body?.code}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(15);
  });
});
