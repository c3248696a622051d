// Auditors search the log: events by stream prefix, type, time range and actor, in position
// order, a page at a time. Only streams the caller may read are answered (LogReadPolicy), and
// the read is recorded like every audit read. A search may have to pass over much of the log to
// fill a page, so it walks in yielding pages (logPages), one search at a time (LogWalkTurns), and
// stops after SCAN_BUDGET events: the page may then be short, and its cursor continues the walk.
import { Controller, Get, Inject, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { type Actor, type EventStore, type RecordedEvent } from '../../eventstore/event-store.port.js';
import { OPENED_EVENT_STORE } from '../../personal-data/personal-data-event-store.js';
import { logPages } from '../../eventstore/log-pages.js';
import { LogWalkTurns } from '../../http/log-walk-turns.js';
import { decodeCursor, encodeCursor, PageQueryDto, type Page } from '../../http/pagination.js';
import { ProblemException } from '../../http/problem.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { LogReadPolicy } from '../../access/log-read-policy.js';
import { actorKey } from '../../access/ownership.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { eventView, type EventView } from '../event-view.js';
import { redactSecrets } from '../redaction.js';
import { EventViewDto } from '../audit-views.dto.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

/** Most events one request passes over; a page cut short by it says where to go on. */
export const SCAN_BUDGET = 20_000;

export class LogSearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Streams whose id starts with this, e.g. order- or order-3f2a' })
  @IsOptional() @IsString() @MaxLength(200) @Matches(/^[^\s$][^\s]*$/, { message: 'streamPrefix has no spaces and does not start with $' })
  streamPrefix?: string;

  @ApiPropertyOptional({ description: 'Only events of this type, e.g. OrderPlaced' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}$/, { message: 'type is an event type name such as OrderPlaced' })
  type?: string;

  @ApiPropertyOptional({ description: 'Recorded at or after this moment (ISO-8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Recorded before this moment (ISO-8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: "The acting user's id (or system:<name>)" })
  @IsOptional() @IsString() @MaxLength(200)
  actor?: string;
}

export type LogSearchPage = Page<EventView> & { scannedUpTo: string | null };

@ApiTags('audit')
@Controller('v1/audit/events')
@UseGuards(ReadRateLimitGuard)
@UseInterceptors(AuditReadLog)
export class AuditLogSearchController {
  constructor(
    // Stored shape, personal values opened for the auditors and admins searching (as the history).
    @Inject(OPENED_EVENT_STORE) private readonly opened: EventStore,
    private readonly logReads: LogReadPolicy,
    private readonly turns: LogWalkTurns,
  ) {}

  @Operation({
    summary: 'Events of the log by stream prefix, type, time range and actor, page by page in position order',
    answer: { page: EventViewDto },
    problems: { 400: ['invalid_range', 'invalid_cursor'], 503: ['log_walk_busy'] },
  })
  @Get()
  @Permission('audit.read-history')
  async search(@Query() query: LogSearchQueryDto, @CurrentActor() caller: Actor): Promise<LogSearchPage> {
    const since = query.since === undefined ? undefined : new Date(query.since).getTime();
    const until = query.until === undefined ? undefined : new Date(query.until).getTime();
    if (since !== undefined && until !== undefined && since >= until) throw new ProblemException(400, 'invalid_range', 'since must be before until');
    const after = query.cursor === undefined ? undefined : positionOf(query.cursor);
    const matches = (event: RecordedEvent): boolean => {
      const at = Date.parse(event.recordedAt);
      return (since === undefined || at >= since) && (until === undefined || at < until)
        && (query.actor === undefined || actorKey(event.metadata.actor) === query.actor)
        && this.logReads.mayReadStream(caller, event.streamId);
    };
    const filter = {
      ...(query.streamPrefix === undefined ? {} : { streamPrefixes: [query.streamPrefix] }),
      ...(query.type === undefined ? {} : { eventTypes: [query.type] }),
    };
    return this.turns.run('log search', async () => {
      const found: RecordedEvent[] = [];
      let scanned = 0;
      let scannedUpTo = after;
      let more = false;
      walk: for await (const page of logPages(this.opened, { after, filter, pageSize: Math.min(1000, SCAN_BUDGET) })) {
        for (const event of page) {
          if (found.length === query.limit || scanned === SCAN_BUDGET) {
            more = true;
            break walk;
          }
          scanned += 1;
          scannedUpTo = event.position;
          if (matches(event)) found.push(event);
        }
      }
      return {
        items: found.map((event) => ({ ...eventView(event), data: redactSecrets(event.data) })),
        nextCursor: more && scannedUpTo !== undefined ? encodeCursor({ position: scannedUpTo.toString() }) : null,
        scannedUpTo: scannedUpTo?.toString() ?? null,
      };
    });
  }
}

function positionOf(cursor: string): bigint {
  const { position } = decodeCursor(cursor, ['position']);
  if (!/^\d{1,19}$/.test(position)) throw new ProblemException(400, 'invalid_cursor', 'cursor must be a nextCursor from a previous page');
  return BigInt(position);
}
