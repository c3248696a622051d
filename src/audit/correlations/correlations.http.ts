import { Controller, Get, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, type EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import { ProblemException } from '../../http/problem.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { LogReadPolicy } from '../../access/log-read-policy.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { NoQueryDto } from '../../http/no-query.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { correlation, type CorrelationView } from './causation-tree.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

@ApiTags('audit')
@Controller('v1/audit/correlations')
@UseGuards(ReadRateLimitGuard)
@UseInterceptors(AuditReadLog)
export class AuditCorrelationsController {
  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    private readonly logReads: LogReadPolicy,
  ) {}

  @Get(':correlationId')
  @Permission('audit.read-history')
  async get(@Param('correlationId') correlationId: string, @Query() _query: NoQueryDto, @CurrentActor() actor: Actor): Promise<CorrelationView> {
    if (!CORRELATION_ID.test(correlationId)) throw new ProblemException(400, 'invalid_correlation_id', 'A correlation id is 1-128 characters of A-Z a-z 0-9 . _ : -');
    // Events of streams the caller may not read are left out, as if they did not carry the id.
    const view = await correlation(this.raw, correlationId, (streamId) => this.logReads.mayReadStream(actor, streamId));
    if (view.events.length === 0) throw new ProblemException(404, 'correlation_not_found', `No event carries correlation id ${correlationId}`);
    return view;
  }
}
