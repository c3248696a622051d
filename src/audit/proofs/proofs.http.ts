// GET /v1/audit/streams/{streamId}/events/{revision}/proof: the proof of one event against a
// witnessed anchor (event-proof.ts), for `orderstream verify-proof` to check offline.
import { Controller, Get, Inject, Param, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { LogReadPolicy } from '../../access/log-read-policy.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import type { Actor, EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { ProblemException } from '../../http/problem.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { ANCHOR_STREAM } from '../anchors/anchor.js';
import { EventProofDto } from '../audit-views.dto.js';
import { secretPaths } from '../redaction.js';
import { checkStreamId } from '../stream-history/streams.http.js';
import { coveringAnchor, eventProof, MAX_PROOF_EVENTS, type EventProof } from './event-proof.js';

export class ProofQueryDto {
  @ApiPropertyOptional({ description: 'Prove against the anchor at this revision of the anchor stream (default: the earliest that covers the event)', minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  anchorRevision?: number;
}

function parseRevision(text: string): number {
  const revision = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(revision)) throw new ProblemException(400, 'invalid_revision', 'revision is a whole number from 0');
  return revision;
}

@ApiTags('audit')
@Controller('v1/audit/streams')
export class AuditProofsController {
  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    private readonly logReads: LogReadPolicy,
  ) {}

  @Operation({
    summary: 'The proof of one event against a witnessed anchor: the event, its chain to the anchored head, and the signed anchor',
    description: 'Check it offline with `orderstream verify-proof <proof.json> --witness <anchors.ndjson> --public-key <pem>`.',
    answer: EventProofDto,
    problems: {
      400: ['invalid_stream_id', 'invalid_revision'],
      403: ['log_data_forbidden'],
      404: ['stream_not_found', 'event_not_found'],
      409: ['not_anchored_yet'],
      422: ['proof_too_long', 'proof_holds_secret'],
    },
  })
  @Get(':streamId/events/:revision/proof')
  @Permission('audit.verify-log')
  @UseGuards(ReadRateLimitGuard)
  @UseInterceptors(AuditReadLog)
  async proof(@Param('streamId') streamId: string, @Param('revision') revisionText: string, @Query() query: ProofQueryDto, @CurrentActor() actor: Actor): Promise<EventProof> {
    checkStreamId(streamId);
    const revision = parseRevision(revisionText);
    this.logReads.assertStream(actor, streamId);
    // As stored (RAW_EVENT_STORE): the hashes cover the stored shape, personal values sealed.
    const [event] = await this.raw.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (event === undefined || event.revision !== revision) {
      const any = event ?? (await this.raw.readStream(streamId, { maxCount: 1 }))[0];
      if (any === undefined) throw new ProblemException(404, 'stream_not_found', `Stream ${streamId} has no events`);
      throw new ProblemException(404, 'event_not_found', `Stream ${streamId} has no event at revision ${revision}`);
    }
    // The whole anchor stream: one read, as verify does; an anchor holds only the heads that changed.
    const covering = coveringAnchor(await this.raw.readStream(ANCHOR_STREAM), streamId, revision, query.anchorRevision);
    if (!covering.found) {
      throw new ProblemException(409, 'not_anchored_yet', query.anchorRevision === undefined
        ? `No anchor has recorded ${streamId} at or past revision ${revision} yet: record one (POST /v1/audit/anchors) or wait for the next, then ask again`
        : `The anchor at revision ${query.anchorRevision} does not record ${streamId} at or past revision ${revision}`);
    }
    const length = covering.headRevision - revision + 1;
    if (length > MAX_PROOF_EVENTS) {
      throw new ProblemException(422, 'proof_too_long', `The chain from revision ${revision} to the anchored head ${covering.headRevision} holds ${length} events, more than ${MAX_PROOF_EVENTS}: ask for an earlier anchor (anchorRevision)`);
    }
    const chain = await this.raw.readStream(streamId, { fromRevision: revision, maxCount: length });
    // An old log's events may still hold a secret (a v1 password hash) that no one is shown; without it no hash can be recomputed.
    const secret = chain.find((one) => secretPaths(one.data, 'data').length > 0);
    if (secret !== undefined) {
      throw new ProblemException(422, 'proof_holds_secret', `The chain passes ${streamId}@${secret.revision}, an event of an old log holding a secret that is shown to no one: it cannot be proven offline (verify checks it in place)`);
    }
    return eventProof(chain, covering.anchor);
  }
}
