// One decorator per route for what only the route knows about itself in the OpenAPI document:
// its summary, its success answer (status, schema, headers) and the problems of its own domain.
// Everything its other declarations imply is added when the document is built (openapi-document.ts).
import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeaderObject, SchemaObject } from './openapi-types.js';
import { declareProblems, type ProblemCodes } from './problem-responses.js';

/** The success answer: a DTO class, `[Dto]` for an array, `{page: Dto}` for a page of them, or a schema with its media type. */
export type Answer = Type<unknown> | [Type<unknown>] | { page: Type<unknown> } | { schema: SchemaObject; mediaType?: string; description?: string };

export type AnswerHeader = keyof typeof ANSWER_HEADERS;

export interface OperationSpec {
  summary: string;
  description?: string;
  /** The status of a success; what @HttpCode says (the OpenAPI spec checks they agree). Default 200. */
  status?: 200 | 201 | 202;
  answer: Answer;
  /** Another media type the success may take when the client asks for it (Accept), beside a DTO answer's JSON. */
  also?: { mediaType: string; schema: SchemaObject };
  headers?: AnswerHeader[];
  problems?: ProblemCodes;
}

export const ANSWER_HEADERS = {
  ETag: { description: 'The revision read, "<revision>": send it as If-Match with a command on this entity', schema: { type: 'string', example: '"3"' } },
  Location: { description: 'Where the entity created can be read', schema: { type: 'string', example: '/v1/orders/0f8e…' } },
  'X-Export-To-Position': { description: 'The last position the export covers (fixed when it started)', schema: { type: 'string', example: '1042' } },
} satisfies Record<string, HeaderObject>;

export const Operation = (spec: OperationSpec) =>
  applyDecorators(
    ApiOperation({ summary: spec.summary, ...(spec.description === undefined ? {} : { description: spec.description }) }),
    ...answerDecorators(spec),
    (_target: object, _key: string | symbol, descriptor: PropertyDescriptor) => declareProblems(descriptor.value as object, spec.problems ?? {}),
  );

function answerDecorators(spec: OperationSpec): (MethodDecorator & ClassDecorator)[] {
  const status = spec.status ?? 200;
  const headers = Object.fromEntries((spec.headers ?? []).map((name) => [name, ANSWER_HEADERS[name]]));
  const { answer } = spec;
  if (typeof answer === 'function' && spec.also) {
    const content = { 'application/json': { schema: { $ref: getSchemaPath(answer) } }, [spec.also.mediaType]: { schema: spec.also.schema } };
    return [ApiExtraModels(answer), ApiResponse({ status, headers, content, description: answer.name.replace(/Dto$/, '') })];
  }
  if (typeof answer === 'function') return [ApiResponse({ status, type: answer, headers, description: answer.name.replace(/Dto$/, '') })];
  if (Array.isArray(answer)) return [ApiResponse({ status, type: answer, headers, description: `A list of ${answer[0].name.replace(/Dto$/, '')}` })];
  if ('page' in answer) {
    const schema: SchemaObject = {
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: {
        items: { type: 'array', items: { $ref: getSchemaPath(answer.page) } },
        nextCursor: { type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' },
      },
    };
    return [ApiExtraModels(answer.page), ApiResponse({ status, schema, headers, description: `A page of ${answer.page.name.replace(/Dto$/, '')}` })];
  }
  return [ApiResponse({ status, headers, description: answer.description ?? 'Success', content: { [answer.mediaType ?? 'application/json']: { schema: answer.schema } } })];
}
