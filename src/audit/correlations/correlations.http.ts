// GET /v1/audit/correlations/{id}: everything one request caused, as a causation tree, looked up
// in the correlation index (projections/correlations). The index is brought up to the log's head
// as it stood when the request came (bounded by MIN_POSITION_WAIT_MS, else 503), so a lookup right
// after a command sees that command's events.
import { Controller, Get, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { type Actor, type EventStore } from '../../eventstore/event-store.port.js';
import { OPENED_EVENT_STORE } from '../../personal-data/personal-data-event-store.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../../http/min-position.interceptor.js';
import { ProblemException } from '../../http/problem.js';
import { RECORDED_CORRELATION_ID } from '../../http/request-context.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { LogReadPolicy } from '../../access/log-read-policy.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { NoQueryDto } from '../../http/no-query.js';
import { correlationsProjection } from '../../../projections/correlations/correlations.projection.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { correlation, type CorrelationView } from './causation-tree.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { CorrelationDto } from '../audit-views.dto.js';

@ApiTags('audit')
@Controller('v1/audit/correlations')
@UseGuards(ReadRateLimitGuard)
@UseInterceptors(AuditReadLog)
export class AuditCorrelationsController {
  constructor(
    // Stored shape, personal values opened for the auditors and admins reading (as the history).
    @Inject(OPENED_EVENT_STORE) private readonly opened: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logReads: LogReadPolicy,
  ) {}

  @Operation({
    summary: 'Every event of a correlation and its causation tree',
    answer: CorrelationDto,
    problems: { 404: ['correlation_not_found'], 503: ['projection_behind'] },
  })
  @Get(':correlationId')
  @Permission('audit.read-history')
  async get(@Param('correlationId') correlationId: string, @Query() _query: NoQueryDto, @CurrentActor() actor: Actor): Promise<CorrelationView> {
    if (!RECORDED_CORRELATION_ID.test(correlationId)) throw new ProblemException(400, 'invalid_correlation_id', 'A correlation id is 1-165 characters of A-Z a-z 0-9 . _ : -');
    const head = await this.opened.headPosition();
    if (head !== undefined && !(await this.progress.waitForPosition([correlationsProjection.name], head, this.config.minPositionWaitMs))) {
      throw new ProblemException(503, 'projection_behind', 'The correlation index has not caught up with the log yet', { retryAfter: 1 });
    }
    // Events of streams the caller may not read are left out, as if they did not carry the id.
    const view = await correlation(this.opened, this.readStore, correlationId, (streamId) => this.logReads.mayReadStream(actor, streamId));
    if (view.events.length === 0) throw new ProblemException(404, 'correlation_not_found', `No event carries correlation id ${correlationId}`);
    return view;
  }
}
