// GET /v1/audit/anchors: the anchors as stored, for witnesses to keep outside the store
// (anchor-witness.ts). `npm run cli -- anchors --out <file>` appends what is new to a witness file.
import { Controller, Get, Inject, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { EventStore } from '../../eventstore/event-store.port.js';
import { RAW_EVENT_STORE } from '../../eventstore/upcasting/upcasting-event-store.js';
import { Permission } from '../../access/access.decorators.js';
import { ReadRateLimitGuard } from '../../access/read-rate-limit.guard.js';
import { MAX_PAGE_SIZE } from '../../http/pagination.js';
import { AuditReadLog } from '../access-log/audit-read-log.js';
import { ANCHOR_RECORDED, ANCHOR_STREAM } from './anchor.js';
import { witnessedAnchorOf, type WitnessedAnchor } from './anchor-witness.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { AnchorsPageDto } from '../audit-views.dto.js';

export class AnchorsQueryDto {
  @ApiPropertyOptional({ description: 'First revision of the anchor stream to answer (default 0)', minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  fromRevision: number = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit: number = MAX_PAGE_SIZE;
}

export interface AnchorsPage {
  items: WitnessedAnchor[];
  /** Ask again from here; null: nothing more yet. */
  nextRevision: number | null;
}

@ApiTags('audit')
@Controller('v1/audit/anchors')
export class AuditAnchorsController {
  constructor(@Inject(RAW_EVENT_STORE) private readonly raw: EventStore) {}

  @Operation({
    summary: 'The anchors as stored (signed), a page at a time, for a witness to keep outside the store',
    answer: AnchorsPageDto,
  })
  @Get()
  @Permission('audit.verify-log')
  @UseGuards(ReadRateLimitGuard)
  @UseInterceptors(AuditReadLog)
  async list(@Query() query: AnchorsQueryDto): Promise<AnchorsPage> {
    const events = await this.raw.readStream(ANCHOR_STREAM, { fromRevision: query.fromRevision, maxCount: query.limit + 1 });
    const page = events.slice(0, query.limit);
    return {
      items: page.filter((event) => event.type === ANCHOR_RECORDED).map(witnessedAnchorOf),
      nextRevision: events.length > query.limit ? page.at(-1)!.revision + 1 : null,
    };
  }
}
