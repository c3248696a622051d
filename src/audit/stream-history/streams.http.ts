// Auditors' view of one stream: its events as stored with the full envelope, the entity's state
// at a moment, and what changed between two moments and through which events.
import { Controller, Get, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { EVENT_STORE, type Actor, type EventStore } from '../../eventstore/event-store.port.js';
import { OPENED_EVENT_STORE } from '../../personal-data/personal-data-event-store.js';
import { decodeCursor, encodeCursor, PageQueryDto, type Page } from '../../http/pagination.js';
import { ProblemException } from '../../http/problem.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { LogReadPolicy } from '../../access/log-read-policy.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { entityFoldFor } from '../entity-state/entity-registry.js';
import { diffStates, stateAt, type Moment, type StateAt, type StateDiff } from '../entity-state/state-at.js';
import { eventView, type EventView } from '../event-view.js';
import { redactSecrets } from '../redaction.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { StateDiffDto, StateViewDto, StreamHistoryDto } from '../audit-views.dto.js';

const MAX_REVISION = Number.MAX_SAFE_INTEGER;

export class StreamHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'First revision to answer (default 0)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_REVISION)
  fromRevision?: number;
}

export class StateQueryDto {
  @ApiPropertyOptional({ description: 'The state after this revision' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_REVISION)
  revision?: number;

  @ApiPropertyOptional({ description: 'The state at this moment (ISO-8601; events recorded at or before it)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

export class DiffQueryDto {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_REVISION)
  fromRevision?: number;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  fromAt?: string;

  @ApiPropertyOptional({ description: 'Default: the latest revision' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_REVISION)
  toRevision?: number;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  toAt?: string;
}

const STREAM_ID = /^[^\s$][^\s]{0,199}$/;

/** Throws 400 invalid_stream_id for what cannot be a stream id (the audit routes' path parameter). */
export function checkStreamId(streamId: string): string {
  if (!STREAM_ID.test(streamId)) throw new ProblemException(400, 'invalid_stream_id', 'A stream id is 1-200 characters without spaces, not starting with $');
  return streamId;
}

function moment(revision: number | undefined, at: string | undefined, name: string, fallback?: Moment): Moment {
  if (revision !== undefined && at !== undefined) throw new ProblemException(400, 'invalid_moment', `Give ${name} as a revision or a time, not both`);
  if (revision !== undefined) return { revision };
  if (at !== undefined) return { at: new Date(at).toISOString() };
  if (fallback) return fallback;
  throw new ProblemException(400, 'invalid_moment', `Give ${name} as a revision or a time`);
}

export type StateView = StateAt & { streamId: string; kind: string };

@ApiTags('audit')
@Controller('v1/audit/streams')
@UseGuards(ReadRateLimitGuard)
@UseInterceptors(AuditReadLog)
export class AuditStreamsController {
  constructor(
    // History shows events in their stored shape with personal values opened for the auditors and
    // admins reading it (erased subjects' values as erased); the hashes cover the sealed form, which
    // exports and proofs hand out.
    @Inject(OPENED_EVENT_STORE) private readonly opened: EventStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly logReads: LogReadPolicy,
  ) {}

  @Operation({
    summary: "A stream's events with their metadata, page by page",
    answer: StreamHistoryDto,
    problems: { 400: ['invalid_stream_id', 'invalid_cursor'], 403: ['log_data_forbidden'], 404: ['stream_not_found'] },
  })
  @Get(':streamId')
  @Permission('audit.read-history')
  async history(@Param('streamId') streamId: string, @Query() query: StreamHistoryQueryDto, @CurrentActor() actor: Actor): Promise<Page<EventView> & { streamId: string }> {
    checkStreamId(streamId);
    this.logReads.assertStream(actor, streamId);
    let from = query.fromRevision ?? 0;
    if (query.cursor !== undefined) {
      const { revision } = decodeCursor(query.cursor, ['revision']);
      from = Number(revision);
      if (!Number.isSafeInteger(from) || from < 0) throw new ProblemException(400, 'invalid_cursor', 'cursor must be a nextCursor from a previous page');
    }
    const events = await this.opened.readStream(streamId, { fromRevision: from, maxCount: query.limit + 1 });
    if (events.length === 0 && from === 0) throw new ProblemException(404, 'stream_not_found', `Stream ${streamId} has no events`);
    const page = events.slice(0, query.limit);
    const items = page.map((event) => ({ ...eventView(event), data: redactSecrets(event.data) }));
    return { streamId, items, nextCursor: events.length > query.limit ? encodeCursor({ revision: String(page.at(-1)!.revision + 1) }) : null };
  }

  @Operation({
    summary: "An entity's state at a revision or a moment",
    answer: StateViewDto,
    problems: { 400: ['invalid_stream_id', 'invalid_moment'], 403: ['log_data_forbidden'], 404: ['stream_not_found'], 422: ['no_entity_fold'] },
  })
  @Get(':streamId/state')
  @Permission('audit.read-history')
  async state(@Param('streamId') streamId: string, @Query() query: StateQueryDto, @CurrentActor() actor: Actor): Promise<StateView> {
    const { fold, events } = await this.entity(streamId, actor);
    const at = stateAt(fold, events, moment(query.revision, query.at, 'the moment', { revision: MAX_REVISION }));
    return { streamId, kind: fold.kind, ...at, state: redactSecrets(at.state) };
  }

  @Operation({
    summary: "What changed in an entity between two revisions or moments, and which events changed it",
    answer: StateDiffDto,
    problems: { 400: ['invalid_stream_id', 'invalid_moment'], 403: ['log_data_forbidden'], 404: ['stream_not_found'], 422: ['no_entity_fold'] },
  })
  @Get(':streamId/diff')
  @Permission('audit.read-history')
  async diff(@Param('streamId') streamId: string, @Query() query: DiffQueryDto, @CurrentActor() actor: Actor): Promise<StateDiff & { streamId: string; kind: string }> {
    const { fold, events } = await this.entity(streamId, actor);
    const from = moment(query.fromRevision, query.fromAt, 'from');
    const to = moment(query.toRevision, query.toAt, 'to', { revision: MAX_REVISION });
    const diff = diffStates(fold, events, from, to);
    return {
      streamId, kind: fold.kind,
      from: { ...diff.from, state: redactSecrets(diff.from.state) },
      to: { ...diff.to, state: redactSecrets(diff.to.state) },
      // Paths are leaves, so a secret shows up as a path ending in its key.
      changes: diff.changes.map((change) => (/(^|\.)passwordHash$/.test(change.path) ? { ...change, before: '[redacted]', after: '[redacted]' } : change)),
    };
  }

  private async entity(streamId: string, actor: Actor) {
    checkStreamId(streamId);
    this.logReads.assertStream(actor, streamId);
    const fold = entityFoldFor(streamId);
    if (!fold) throw new ProblemException(422, 'no_entity_fold', `Streams like ${streamId} do not hold an entity whose state can be folded`);
    // Upcast (EVENT_STORE): the domain's evolve knows only the current shape of each event.
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new ProblemException(404, 'stream_not_found', `Stream ${streamId} has no events`);
    return { fold, events };
  }
}
