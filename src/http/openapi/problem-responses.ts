// Which problems (status and stable code) a route can answer, for its OpenAPI operation. A route
// declares only what is its own (`@Operation({problems})`); what follows from the route's other
// declarations (its permission, a body, Idempotency-Key, X-Min-Position, If-Match, a command) is
// declared by those decorators themselves or derived when the document is built (openapi-document.ts),
// so the document cannot forget a problem the route's plumbing really answers.

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503;
export type ProblemCodes = Partial<Record<ProblemStatus, readonly string[]>>;

const PROBLEMS = 'orderstream:openapi:problems';

/** Adds `problems` to those already declared for a route handler. */
export function declareProblems(handler: object, problems: ProblemCodes): void {
  const merged: Record<number, string[]> = { ...(Reflect.getMetadata(PROBLEMS, handler) as Record<number, string[]> | undefined) };
  for (const [status, codes] of Object.entries(problems)) {
    merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])];
  }
  Reflect.defineMetadata(PROBLEMS, merged, handler);
}

export function declaredProblems(handler: object): Record<number, string[]> {
  return (Reflect.getMetadata(PROBLEMS, handler) as Record<number, string[]> | undefined) ?? {};
}

/** The same, from a parameter decorator (Nest's createParamDecorator enhancers): the method is on the prototype already. */
export const problemsOfParameter = (problems: ProblemCodes): ParameterDecorator => (target, key) => {
  if (key !== undefined) declareProblems((target as Record<string | symbol, object>)[key]!, problems);
};

/** A request header a route reads, as the OpenAPI document lists it. */
export interface DocumentedHeader {
  name: string;
  description: string;
  schema: { type: 'string'; pattern?: string; example?: string };
}

const HEADERS = 'orderstream:openapi:request-headers';

/** Adds a request header to a route's operation (from a method or a parameter decorator). */
export function declareRequestHeader(handler: object, header: DocumentedHeader): void {
  const existing = (Reflect.getMetadata(HEADERS, handler) as DocumentedHeader[] | undefined) ?? [];
  if (!existing.some((one) => one.name === header.name)) Reflect.defineMetadata(HEADERS, [...existing, header], handler);
}

/** The same, from a parameter decorator. */
export const headerOfParameter = (header: DocumentedHeader): ParameterDecorator => (target, key) => {
  if (key !== undefined) declareRequestHeader((target as Record<string | symbol, object>)[key]!, header);
};

export function declaredRequestHeaders(handler: object): DocumentedHeader[] {
  return (Reflect.getMetadata(HEADERS, handler) as DocumentedHeader[] | undefined) ?? [];
}

/** The headers the HTTP edge reads on several routes, described once. */
export const REQUEST_HEADERS = {
  minPosition: {
    name: 'X-Min-Position',
    description: 'A `position` from a command answer: the route waits (bounded) until the read models it reads include it, else 503 projection_behind',
    schema: { type: 'string', pattern: '^[0-9]{1,19}$', example: '42' },
  },
  idempotencyKey: {
    name: 'Idempotency-Key',
    description: 'Sent again with the same request, the first answer is repeated and nothing new is recorded; reused with another request: 409 idempotency_key_reused',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', example: 'order-2026-12-03-0001' },
  },
  ifMatch: {
    name: 'If-Match',
    description: 'The ETag of the entity as last read ("<revision>"): the command applies only to that revision, else 412 precondition_failed',
    schema: { type: 'string', pattern: '^(W/)?"[0-9]{1,15}"$', example: '"3"' },
  },
  correlationId: {
    name: 'X-Correlation-Id',
    description: "Groups this request's events with others of the caller's (recorded as `{userId}:{id}`; echoed in the answer)",
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', example: 'checkout-7f3a' },
  },
} satisfies Record<string, DocumentedHeader>;
