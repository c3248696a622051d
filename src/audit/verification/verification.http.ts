// Tamper evidence over HTTP: walk every chain (GET /v1/audit/verify, anchors checked against the
// service's audit key) and anchor the stream heads now (POST /v1/audit/anchors, signed). The CLI does the same (npm run cli -- verify).
import type { Readable } from 'node:stream';
import { Controller, Get, Headers, HttpCode, Inject, Post, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
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
import { VERIFICATION_NDJSON, verificationLines } from './verification-progress.js';
import { toProblem } from '../../http/problem.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { AnchorOutcomeDto, VerificationReportDto } from '../audit-views.dto.js';
import { SIGNING_KEY } from '../audit-tokens.js';
import type { SigningKey } from '../export/signing-key.js';
import { trustedKeysOf } from '../anchors/anchor-signature.js';

/** Progress lines at most this often: enough for a bar that moves, few enough to cost nothing. */
const PROGRESS_EVERY_MS = 250;

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
    description:
      `With \`Accept: ${VERIFICATION_NDJSON}\` the answer streams while the walk runs, one JSON object a line: ` +
      '`{"kind":"progress","position":"…","head":"…"}` at most a few times a second, then `{"kind":"report", …}` with the report below, ' +
      'or `{"kind":"error","code":"…","detail":"…"}` if the walk fails once the answer has begun. ' +
      'The walk runs in this one answer (no job to ask about later), so it works behind a load balancer.',
    answer: VerificationReportDto,
    also: { mediaType: VERIFICATION_NDJSON, schema: { type: 'string', description: 'Progress lines, then the report line (NDJSON)' } },
    problems: { 503: ['log_walk_busy'] },
  })
  @Get('verify')
  @Permission('audit.verify-log')
  @UseGuards(ReadRateLimitGuard)
  @UseInterceptors(AuditReadLog)
  /** Streams (passthrough) when asked for NDJSON, so the read is recorded (AuditReadLog) before the walk starts. */
  verify(
    @Query() _query: NoQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VerificationReport> | Readable {
    const trustedKeys = trustedKeysOf(this.signingKey);
    if (accept?.includes(VERIFICATION_NDJSON) !== true) {
      return this.walks.run('chain verification', () => verifyLog(this.raw, { trustedKeys }));
    }
    // Taken now, so a busy walk is still a 503 problem before any line is sent.
    const release = this.walks.take('chain verification');
    reply.header('Content-Type', VERIFICATION_NDJSON).header('Cache-Control', 'no-store');
    return verificationLines((onProgress) => verifyLog(this.raw, { trustedKeys, onProgress }), {
      everyMs: PROGRESS_EVERY_MS,
      describe: (error) => {
        const { code, detail } = toProblem(error);
        return { code, detail: detail ?? code };
      },
      release,
    });
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
