// Who looked at what, when: every read of an audit endpoint is itself recorded as an event,
// `AuditRecordRead`, in a per-day stream `audit-log-<YYYY-MM-DD>`. Events (rather than a
// collection) get the same durability and hash chain as the rest of the log, so the record of
// reads is as tamper-evident as what was read. Appends use expected revision 'any': the stream is
// a log of independent facts, not an aggregate with rules to protect.
//
// Only reads that are answered are recorded, and only once they are valid: the record is written
// after the handler has validated the request and computed the answer, and before the answer is
// sent. A refused request (401/403, 429, a 400 from validation, a 404) records nothing; a read
// whose record cannot be written is refused (fail closed). The record is a bounded description:
// the route, its path parameters and its query parameters (which the routes' DTOs have checked
// to be known ones: unknown parameters are refused), each value cut at MAX_VALUE_LENGTH.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { concatMap, type Observable } from 'rxjs';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { envelopeEvents } from '../../command-handling/event-envelope.js';
import { EVENT_STORE, type Actor, type EventStore } from '../../eventstore/event-store.port.js';

export const AUDIT_READ_RECORDED = 'AuditRecordRead';
export const AUDIT_LOG_PREFIX = 'audit-log-';
export const MAX_VALUE_LENGTH = 200;
const MAX_PARAMETERS = 20;

export interface AuditRecordReadData {
  method: string;
  /** The route's pattern, e.g. /v1/audit/streams/:streamId */
  route: string;
  /** Path parameters, each value cut at MAX_VALUE_LENGTH characters. */
  params: Record<string, string>;
  /** Query parameters as validated, each value cut at MAX_VALUE_LENGTH characters. */
  query: Record<string, string>;
  actor: Actor;
}

const auditLogStreamId = (at: Date) => `${AUDIT_LOG_PREFIX}${at.toISOString().slice(0, 10)}`;

/** At most MAX_PARAMETERS entries, each value a string of at most MAX_VALUE_LENGTH characters. */
function bounded(values: unknown): Record<string, string> {
  if (values === null || typeof values !== 'object') return {};
  return Object.fromEntries(Object.entries(values).slice(0, MAX_PARAMETERS).map(([key, value]) => [key.slice(0, MAX_VALUE_LENGTH), String(value).slice(0, MAX_VALUE_LENGTH)]));
}

/** What the record of a read says, taken from the request once it has been validated and answered. */
export interface ReadRequest {
  method: string;
  route: string;
  params: unknown;
  query: unknown;
  actor: Actor;
  requestId: string;
  correlationId: string;
}

@Injectable()
export class AuditReadLog implements NestInterceptor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: Pick<EventStore, 'append'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const read: ReadRequest = {
      method: request.method, route: request.routeOptions.url ?? '(unknown route)', params: request.params, query: request.query,
      actor: request.actor, requestId: request.id, correlationId: request.correlationId,
    };
    return this.recordAfter(read, next.handle());
  }

  /** The answer, once the read is recorded; a read that cannot be recorded is not answered. */
  recordAfter<T>(read: ReadRequest, answer$: Observable<T>): Observable<T> {
    return answer$.pipe(
      concatMap(async (answer) => {
        try {
          await this.record(read);
        } catch (error) {
          // Not answered: a stream handed back (an export's lines) is ended, which gives back what it holds.
          if (answer instanceof Readable) answer.destroy();
          throw error;
        }
        return answer;
      }),
    );
  }

  private async record(read: ReadRequest): Promise<void> {
    const now = this.clock.now();
    const data: AuditRecordReadData = { method: read.method, route: read.route, params: bounded(read.params), query: bounded(read.query), actor: read.actor };
    const metadata = { commandId: randomUUID(), correlationId: read.correlationId, causationId: read.requestId, requestId: read.requestId, actor: read.actor };
    const recorded = envelopeEvents([{ type: AUDIT_READ_RECORDED, data }], { commandType: 'RecordAuditRead', metadata, occurredAt: now });
    await this.store.append(auditLogStreamId(now), recorded, 'any');
  }
}
