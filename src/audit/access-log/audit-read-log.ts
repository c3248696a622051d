// Who looked at what, when: every read of an audit endpoint is itself recorded as an event,
// `AuditRecordRead`, in a per-day stream `audit-log-<YYYY-MM-DD>`, before the answer is
// computed. Events (rather than a collection) get the same durability and hash chain as the
// rest of the log, so the record of reads is as tamper-evident as what was read. A read whose
// record cannot be written is refused (fail closed). Appends use expected revision 'any': the
// stream is a log of independent facts, not an aggregate with rules to protect.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { envelopeEvents } from '../../command-handling/event-envelope.js';
import { EVENT_STORE, type Actor, type EventStore } from '../../eventstore/event-store.port.js';

export const AUDIT_READ_RECORDED = 'AuditRecordRead';
export const AUDIT_LOG_PREFIX = 'audit-log-';

export interface AuditRecordReadData {
  method: string;
  /** The route's pattern, e.g. /v1/audit/streams/:streamId */
  route: string;
  /** What was asked for exactly: path and query string. */
  url: string;
  params: Record<string, string>;
  actor: Actor;
}

const auditLogStreamId = (at: Date) => `${AUDIT_LOG_PREFIX}${at.toISOString().slice(0, 10)}`;

@Injectable()
export class AuditReadLog implements NestInterceptor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const now = this.clock.now();
    const data: AuditRecordReadData = {
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      url: request.url,
      params: (request.params ?? {}) as Record<string, string>,
      actor: request.actor,
    };
    const metadata = { commandId: randomUUID(), correlationId: request.correlationId, causationId: request.id, requestId: request.id, actor: request.actor };
    const recorded = envelopeEvents([{ type: AUDIT_READ_RECORDED, data }], { commandType: 'RecordAuditRead', metadata, occurredAt: now });
    await this.store.append(auditLogStreamId(now), recorded, 'any');
    return next.handle();
  }
}
