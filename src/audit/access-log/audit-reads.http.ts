// Admins list the recorded reads of audit data (access-log/audit-read-log.ts), oldest first,
// optionally from a moment on.
import { Controller, Get, Inject, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { EVENT_STORE, type EventStore } from '../../eventstore/event-store.port.js';
import { decodeCursor, encodeCursor, PageQueryDto, type Page } from '../../http/pagination.js';
import { parsePosition } from '../../http/position.js';
import { ProblemException } from '../../http/problem.js';
import { Permission } from '../../access/access.decorators.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { AUDIT_LOG_PREFIX, AUDIT_READ_RECORDED, AuditReadLog, type AuditRecordReadData } from './audit-read-log.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { AuditReadDto } from '../audit-views.dto.js';

export class AuditReadsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only reads at or after this moment (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

export interface AuditReadView extends AuditRecordReadData {
  at: string;
  requestId: string | null;
  position: string;
}

@ApiTags('audit')
@Controller('v1/admin/audit-reads')
@UseGuards(ReadRateLimitGuard)
@UseInterceptors(AuditReadLog)
export class AuditReadsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Operation({ summary: 'Who read what of the audit history, newest first', answer: { page: AuditReadDto }, problems: { 400: ['invalid_cursor'] } })
  @Get()
  @Permission('audit.read-access-log')
  async list(@Query() query: AuditReadsQueryDto): Promise<Page<AuditReadView>> {
    let after: bigint | undefined;
    if (query.cursor !== undefined) {
      after = parsePosition(decodeCursor(query.cursor, ['position']).position);
      if (after === undefined) throw new ProblemException(400, 'invalid_cursor', 'cursor must be a nextCursor from a previous page');
    }
    const since = query.since === undefined ? undefined : new Date(query.since).toISOString();
    const items: AuditReadView[] = [];
    const filter = { streamPrefixes: [AUDIT_LOG_PREFIX], eventTypes: [AUDIT_READ_RECORDED] };
    let more = false;
    // Day streams sort by date, so a `since` could skip whole days; pages are bounded either way.
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: 500, filter });
      for (const event of page) {
        after = event.position;
        if (since !== undefined && event.metadata.occurredAt < since) continue;
        if (items.length === query.limit) {
          more = true;
          break;
        }
        items.push({ ...(event.data as AuditRecordReadData), at: event.metadata.occurredAt, requestId: event.metadata.requestId ?? null, position: event.position.toString() });
      }
      if (more || page.length < 500) break;
    }
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor({ position: last.position }) : null };
  }
}
