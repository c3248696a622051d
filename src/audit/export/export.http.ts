// Signed exports over HTTP. The manifest is computed first and pins the range (toPosition = the
// head at that moment); the events route, asked with that pinned range, streams exactly the
// lines the manifest describes. `npm run cli -- export --url ...` does both and saves the files.
import { Readable } from 'node:stream';
import { Controller, Get, Headers, Inject, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { type Actor, type EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import { IsPosition } from '../../http/position.js';
import { ProblemException } from '../../http/problem.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { LogReadPolicy } from '../../access/log-read-policy.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { NoQueryDto } from '../../http/no-query.js';
import { LogWalkTurns } from '../../http/log-walk-turns.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { SIGNING_KEY } from '../audit-tokens.js';
import { buildSignedManifest, exportLines, pinFilter, type SignedManifest } from './event-exporter.js';
import type { ExportFilter } from './export-format.js';
import type { SigningKey } from './signing-key.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { PublicKeyDto, SignedManifestDto } from '../audit-views.dto.js';

const PEM_TYPE = 'application/x-pem-file';
const NAMES = /^[^\s,$][^\s,]{0,199}(,[^\s,$][^\s,]{0,199}){0,19}$/;

export class ExportQueryDto {
  @ApiPropertyOptional({ description: 'First position (inclusive)' }) @IsOptional() @IsPosition()
  fromPosition?: string;

  @ApiPropertyOptional({ description: 'Last position (inclusive); default: the head now' }) @IsOptional() @IsPosition()
  toPosition?: string;

  @ApiPropertyOptional({ description: 'Recorded at or after (ISO-8601)' }) @IsOptional() @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Recorded before (ISO-8601)' }) @IsOptional() @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'Stream id prefixes, comma-separated (e.g. product-,order-)' }) @IsOptional() @IsString() @MaxLength(2000) @Matches(NAMES)
  streamPrefix?: string;

  @ApiPropertyOptional({ description: 'Event types, comma-separated' }) @IsOptional() @IsString() @MaxLength(2000) @Matches(NAMES)
  type?: string;
}

export function exportFilterOf(query: ExportQueryDto): ExportFilter {
  return {
    ...(query.fromPosition === undefined ? {} : { fromPosition: query.fromPosition }),
    ...(query.toPosition === undefined ? {} : { toPosition: query.toPosition }),
    ...(query.since === undefined ? {} : { since: new Date(query.since).toISOString() }),
    ...(query.until === undefined ? {} : { until: new Date(query.until).toISOString() }),
    ...(query.streamPrefix === undefined ? {} : { streamPrefixes: query.streamPrefix.split(',') }),
    ...(query.type === undefined ? {} : { eventTypes: query.type.split(',') }),
  };
}

@ApiTags('audit')
@Controller('v1/audit/export')
@UseGuards(ReadRateLimitGuard)
@UseInterceptors(AuditReadLog)
export class AuditExportController {
  constructor(
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
    @Inject(SIGNING_KEY) private readonly key: SigningKey | undefined,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly logReads: LogReadPolicy,
    private readonly walks: LogWalkTurns,
  ) {}

  @Operation({
    summary: 'The signed manifest of an export (count, Merkle root, NDJSON hash)',
    answer: SignedManifestDto,
    problems: { 503: ['signing_key_not_configured', 'log_walk_busy'] },
  })
  @Get('manifest')
  @Permission('audit.export-events')
  async manifest(@Query() query: ExportQueryDto, @CurrentActor() actor: Actor): Promise<SignedManifest & { publicKey: string }> {
    const key = this.signingKey();
    // The manifest records the narrowed filter, so what was left out is signed too.
    const pinned = await pinFilter(this.raw, this.logReads.narrowFilter(actor, exportFilterOf(query)));
    const signed = await this.walks.run('export', () => buildSignedManifest(this.raw, pinned, key, this.clock.now().toISOString()));
    return { ...signed, publicKey: key.publicKeyPem };
  }

  @Operation({
    summary: 'The events of an export, one JSON line each (NDJSON)',
    answer: { schema: { type: 'string', description: 'One event per line, as in GET /v1/audit/streams/{streamId}' }, mediaType: 'application/x-ndjson', description: 'The export, streamed' },
    headers: ['X-Export-To-Position'],
    problems: { 503: ['log_walk_busy'] },
  })
  @Get('events')
  @Permission('audit.export-events')
  /** Answers the stream (passthrough), so the read is recorded (AuditReadLog) before its first line is sent. */
  async events(@Query() query: ExportQueryDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<Readable> {
    const pinned = await pinFilter(this.raw, this.logReads.narrowFilter(actor, exportFilterOf(query)));
    const raw = this.raw;
    // The turn is held while the lines stream, and given back when the stream ends or the client goes.
    const release = this.walks.take('export');
    async function* body() {
      try {
        for await (const { line } of exportLines(raw, pinned)) yield `${line}\n`;
      } finally {
        release();
      }
    }
    reply.header('Content-Type', 'application/x-ndjson').header('X-Export-To-Position', pinned.toPosition!);
    const lines = Readable.from(body());
    lines.once('close', release);
    return lines;
  }

  @Operation({ summary: 'The public key that verifies export manifests (PEM)', answer: PublicKeyDto, problems: { 503: ['signing_key_not_configured'] } })
  @Get('public-key')
  @Permission('audit.export-events')
  publicKey(
    @Query() _query: NoQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): { keyId: string; publicKey: string } | string {
    const key = this.signingKey();
    // A verifier wants the PEM file itself (curl -H 'Accept: application/x-pem-file' -o key.pem); the
    // key id (sha256 of the key, as manifests name it) travels in a header.
    if (accept?.includes(PEM_TYPE) === true) {
      reply.header('Content-Type', PEM_TYPE).header('X-Key-Id', key.keyId);
      return key.publicKeyPem;
    }
    return { keyId: key.keyId, publicKey: key.publicKeyPem };
  }

  private signingKey(): SigningKey {
    if (!this.key) throw new ProblemException(503, 'signing_key_not_configured', 'Exports need AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE in production');
    return this.key;
  }
}
