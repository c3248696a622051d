// RFC 9457 problem details: the one shape every error answer takes, with a stable `code`.
import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, type DomainErrorKind } from '../decider/domain-error.js';
import { ConcurrencyConflictError, PreconditionFailedError } from '../command-handling/command-errors.js';
import { AppendRejectedError, DuplicateEventIdError, StoreUnavailableError, WrongExpectedRevisionError } from '../eventstore/event-store.errors.js';
import { StorageFaultError } from '../sqlite/storage-monitor.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldError[];
  /** Seconds, for 429 and 503 answers; sent as the Retry-After header too. */
  retryAfter?: number;
}

export interface FieldError {
  field: string;
  messages: string[];
}

/** An HTTP-edge refusal with a stable code (validation, bad headers, unavailable reads). */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly extra: Pick<Problem, 'errors' | 'retryAfter'> = {},
  ) {
    super(detail, status);
  }
}

const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.UNPROCESSABLE_ENTITY,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
};

// Fastify's own refusals (body parsing happens before Nest sees the request).
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_body',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

const logger = new Logger('Problem');

/** A full disk is not freed in a moment: clients wait a little longer than for a busy store. */
const STORAGE_RETRY_AFTER_SECONDS = 10;

export function problem(status: number, code: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `urn:orderstream:problem:${code}`,
    title: titleOf(status),
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** Maps anything thrown while serving a request to a problem. Unknown errors never leak details. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemException) {
    return problem(error.getStatus(), error.code, error.message, error.extra);
  }
  if (error instanceof DomainError) return problem(DOMAIN_STATUS[error.kind], error.code, error.message);
  if (error instanceof PreconditionFailedError) return problem(HttpStatus.PRECONDITION_FAILED, error.code, error.message);
  if (error instanceof ConcurrencyConflictError) return problem(HttpStatus.CONFLICT, error.code, error.message);
  if (error instanceof WrongExpectedRevisionError) return problem(HttpStatus.CONFLICT, 'concurrency_conflict', 'The entity changed; retry the request');
  if (error instanceof DuplicateEventIdError) return problem(HttpStatus.CONFLICT, error.code, 'This request conflicts with one already recorded');
  if (error instanceof AppendRejectedError) return problem(HttpStatus.UNPROCESSABLE_ENTITY, error.code, error.message);
  if (error instanceof StorageFaultError) {
    logger.warn(error.message);
    // Nothing of the request was written (SQLite rolled the transaction back): safe to retry. After a
    // failed fsync (storage_fsync_failed) it may have been: retried with its Idempotency-Key once the
    // service has restarted, it appends the same event ids and is answered as recorded.
    return problem(HttpStatus.SERVICE_UNAVAILABLE, error.code, error.message, { retryAfter: STORAGE_RETRY_AFTER_SECONDS });
  }
  if (error instanceof StoreUnavailableError) {
    logger.warn(error.message);
    // Safe to retry: sent again with its Idempotency-Key, the request appends the same event ids.
    return problem(HttpStatus.SERVICE_UNAVAILABLE, error.code, error.answer, { retryAfter: 2 });
  }
  if (error instanceof HttpException && isFastifyError(error.cause)) return toProblem(error.cause);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return problem(status, codeOfStatus(status), status === 404 ? 'No such resource' : error.message);
  }
  if (isFastifyError(error) && error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    // The router refuses an over-long path parameter before any route runs; for us that is
    // simply a malformed id, answered like any other.
    return problem(HttpStatus.BAD_REQUEST, 'invalid_id', 'An id in the path is longer than any valid id');
  }
  if (isFastifyError(error) && error.statusCode < 500) {
    return problem(error.statusCode, FASTIFY_CODES[error.code] ?? codeOfStatus(error.statusCode), error.message);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', 'An unexpected error occurred; it has been logged');
}

function isFastifyError(error: unknown): error is { code: string; statusCode: number; message: string } {
  const candidate = error as { code?: unknown; statusCode?: unknown } | null | undefined;
  return typeof candidate?.code === 'string' && candidate.code.startsWith('FST_') && typeof candidate.statusCode === 'number';
}

function codeOfStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
    406: 'not_acceptable', 409: 'conflict', 413: 'payload_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type',
    422: 'unprocessable', 429: 'too_many_requests', 503: 'unavailable',
  };
  return codes[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

function titleOf(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    406: 'Not Acceptable', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long',
    415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
    500: 'Internal Server Error', 503: 'Service Unavailable',
  };
  return titles[status] ?? 'Error';
}
