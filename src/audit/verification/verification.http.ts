// Tamper evidence over HTTP: walk every chain (GET /v1/audit/verify, anchors checked against the
// service's audit key) and anchor the stream heads now (POST /v1/audit/anchors, signed). The CLI does the same (npm run cli -- verify).
import { Controller, Get, HttpCode, Inject, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../eventstore/event-store.port.js';
import { type EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { NoQueryDto } from '../../http/no-query.js';
import { LogWalkTurns } from '../../http/log-walk-turns.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { AnchorRecorder, type AnchorOutcome } from '../anchors/anchor-recorder.js';
import { verifyLog, type VerificationReport } from './log-verifier.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { AnchorOutcomeDto, VerificationReportDto } from '../audit-views.dto.js';
import { SIGNING_KEY } from '../audit-tokens.js';
import type { SigningKey } from '../export/signing-key.js';
import { trustedKeysOf } from '../anchors/anchor-signature.js';

@ApiTags('audit')
@Controller('v1/audit')
export class AuditVerificationController {
  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    private readonly anchors: AnchorRecorder,
    private readonly walks: LogWalkTurns,
    @Inject(SIGNING_KEY) private readonly signingKey: SigningKey | undefined,
  ) {}

  @Operation({
    summary: 'Check every hash chain of the log, and the log against the anchors',
    answer: VerificationReportDto,
    problems: { 503: ['log_walk_busy'] },
  })
  @Get('verify')
  @Permission('audit.verify-log')
  @UseGuards(ReadRateLimitGuard)
  @UseInterceptors(AuditReadLog)
  verify(@Query() _query: NoQueryDto): Promise<VerificationReport> {
    return this.walks.run('chain verification', () => verifyLog(this.raw, { trustedKeys: trustedKeysOf(this.signingKey) }));
  }

  @Operation({
    summary: 'Record an anchor: a signed Merkle root over every stream head',
    answer: AnchorOutcomeDto,
    problems: { 503: ['storage_full', 'storage_io_error', 'storage_fsync_failed', 'store_unavailable'] },
  })
  @Post('anchors')
  @HttpCode(200)
  @Permission('audit.record-anchor')
  record(@CurrentActor() actor: Actor): Promise<AnchorOutcome> {
    return this.anchors.record(actor);
  }
}
