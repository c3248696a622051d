// Analysts' HTTP API over projections: each one's builds and progress, blue/green rebuilds,
// and replays of a range of the log into a scratch projection (projections/scratch).
import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { EVENT_STORE, type Actor, type EventStore } from '../eventstore/event-store.port.js';
import { IsPosition } from '../http/position.js';
import { ProblemException } from '../http/problem.js';
import { LogWalkTurns } from '../http/log-walk-turns.js';
import { CurrentActor, Permission } from '../access/access.decorators.js';
import { LogReadPolicy } from '../access/log-read-policy.js';
import type { DocumentProjection } from './projection.js';
import { replayProjection, type ReplayResult } from './replay.js';
import { BlueGreenProjections, UnknownProjectionError, type ProjectionStatus } from './blue-green-projections.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { ProjectionListDto, ProjectionStatusDto, ReplayResultDto, ScratchProjectionListDto } from './projection-views.dto.js';

export const MAX_REPLAY_DOCUMENTS = 1000;

/** What analysts may replay: the scratch projections and (copies in memory of) the served ones. */
export interface ReplayableProjections {
  scratch: readonly DocumentProjection[];
  served: readonly DocumentProjection[];
}

export const REPLAYABLE_PROJECTIONS = Symbol('ReplayableProjections');

export class ReplayRequestDto {
  @ApiProperty({ description: 'A scratch projection (GET /v1/analytics/scratch-projections) or a served one' })
  @IsString()
  @MaxLength(100)
  projection!: string;

  @ApiPropertyOptional() @IsOptional() @IsPosition()
  fromPosition?: string;

  @ApiPropertyOptional() @IsOptional() @IsPosition()
  toPosition?: string;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ maximum: MAX_REPLAY_DOCUMENTS, default: 100 }) @IsOptional() @IsInt() @Min(1) @Max(MAX_REPLAY_DOCUMENTS)
  limit?: number;
}

/** Where a rebuild is followed (202 Location). */
const PROJECTIONS_STATUS = '/v1/analytics/projections';

@ApiTags('analytics')
@Controller('v1/analytics')
export class ProjectionsController {
  constructor(
    private readonly projections: BlueGreenProjections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REPLAYABLE_PROJECTIONS) private readonly replayable: ReplayableProjections,
    private readonly logReads: LogReadPolicy,
    private readonly walks: LogWalkTurns,
  ) {}

  @Operation({ summary: 'Every projection: version, the build serving queries and any build catching up', answer: ProjectionListDto })
  @Get('projections')
  @Permission('analytics.read-projections')
  async list(): Promise<{ items: ProjectionStatus[] }> {
    return { items: await this.projections.projectionStatus() };
  }

  // 202 with where to follow it: the status list shows the build in progress until it takes over.
  @Operation({ summary: 'Rebuild a projection blue/green: a new build replays the log and takes over when caught up', status: 202, answer: ProjectionStatusDto, problems: { 404: ['projection_not_found'] } })
  @Post('projections/:name/rebuild')
  @HttpCode(202)
  @Header('Location', PROJECTIONS_STATUS)
  @Permission('analytics.rebuild-projection')
  async rebuild(@Param('name') name: string): Promise<ProjectionStatus> {
    try {
      return await this.projections.rebuild(name);
    } catch (error) {
      if (error instanceof UnknownProjectionError) throw new ProblemException(404, error.code, error.message);
      throw error;
    }
  }

  @Operation({ summary: 'Rebuild every projection blue/green', status: 202, answer: ProjectionListDto })
  @Post('projections/rebuild')
  @HttpCode(202)
  @Header('Location', PROJECTIONS_STATUS)
  @Permission('analytics.rebuild-projection')
  async rebuildAll(): Promise<{ items: ProjectionStatus[] }> {
    const items: ProjectionStatus[] = [];
    for (const name of this.projections.names) items.push(await this.projections.rebuild(name));
    return { items };
  }

  @Operation({ summary: 'Projections that exist only to be replayed (not served)', answer: ScratchProjectionListDto })
  @Get('scratch-projections')
  @Permission('analytics.replay')
  scratch(): { items: Array<{ name: string; version: number; eventTypes: readonly string[] }> } {
    return { items: this.replayable.scratch.map(({ name, version, eventTypes }) => ({ name, version, eventTypes })) };
  }

  /** Replays in the request; for long ranges the CLI shows progress and saves every document. */
  @Operation({
    summary: 'Replay a projection over a range of the log, in the request, and answer its documents',
    answer: ReplayResultDto,
    problems: { 403: ['log_data_forbidden'], 404: ['projection_not_found'], 503: ['log_walk_busy'] },
  })
  @Post('replays')
  @HttpCode(200)
  @Permission('analytics.replay')
  async replay(@Body() body: ReplayRequestDto, @CurrentActor() actor: Actor): Promise<Omit<ReplayResult, 'documents'> & { documents: ReplayResult['documents']; documentCount: number; truncated: boolean }> {
    const projection = findReplayable(this.replayable, body.projection);
    // A projection's documents are folded from the events it reads: replaying it serves them.
    this.logReads.assertEventTypes(actor, projection.eventTypes);
    const result = await this.walks.run('replay', () => replayProjection(this.store, projection, {
      ...(body.fromPosition === undefined ? {} : { fromPosition: BigInt(body.fromPosition) }),
      ...(body.toPosition === undefined ? {} : { toPosition: BigInt(body.toPosition) }),
      ...(body.since === undefined ? {} : { since: new Date(body.since).toISOString() }),
      ...(body.until === undefined ? {} : { until: new Date(body.until).toISOString() }),
    }));
    const limit = body.limit ?? 100;
    return { ...result, documents: result.documents.slice(0, limit), documentCount: result.documents.length, truncated: result.documents.length > limit };
  }
}

/** A scratch projection, or a copy (in memory) of one the service serves. */
export function findReplayable({ scratch, served }: ReplayableProjections, name: string): DocumentProjection {
  const projection = [...scratch, ...served].find((p) => p.name === name);
  if (!projection) throw new ProblemException(404, 'projection_not_found', `No projection is named ${name}`);
  return projection;
}
