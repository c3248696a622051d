// Operators' view of the subscribers: progress and lag, and the events parked as poison.
import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { decodeCursor, encodeCursor, PageQueryDto, type Page } from '../http/pagination.js';
import type { Actor } from '../eventstore/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { READ_STORE, type ParkedEvent, type ParkedEventRecord, type ParkedResolution, type ReadStore } from '../readstore/read-store.port.js';
import { parkedEventId, parseParkedEventId } from './parked-event-id.js';
import { SubscriptionRunner, type SubscriberStatus } from './subscription-runner.js';
import { CurrentActor, Permission } from '../access/access.decorators.js';
import { actorKey } from '../access/ownership.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { ParkedEventDto, SubscriberListDto } from './subscription-views.dto.js';

export class ParkedEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this subscriber (its checkpoint name, e.g. product-details@v1)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subscriber?: string;
}

export class SkipParkedEventDto {
  @ApiProperty({ description: 'Why the event is skipped: kept for auditors', example: 'order cancelled by hand; projection fixed in 1.4' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

type ParkedEventView = Omit<ParkedEventRecord, 'position'> & { id: string; position: string };

const view = (event: ParkedEvent | ParkedEventRecord): ParkedEventView => ({
  id: parkedEventId(event.subscriber, event.position),
  ...event,
  position: event.position.toString(),
});

const logger = new Logger('ParkedEvents');

@ApiTags('operations')
@Controller('v1/admin')
export class SubscriptionsAdminController {
  constructor(
    private readonly runner: SubscriptionRunner,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Operation({ summary: 'Every subscriber (projections, the saga, workers): checkpoint, lag, parked events', answer: SubscriberListDto })
  @Get('subscriptions')
  @Permission('operations.read-subscriptions')
  async subscriptions(): Promise<{ items: SubscriberStatus[] }> {
    return { items: await this.runner.status() };
  }

  @Operation({ summary: 'Events parked after failing every retry, with their error', answer: { page: ParkedEventDto }, problems: { 400: ['invalid_cursor'] } })
  @Get('parked-events')
  @Permission('operations.read-parked-events')
  async parked(@Query() query: ParkedEventsQueryDto): Promise<Page<ParkedEventView>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['key']).key;
    const all = (await this.readStore.listParked(query.subscriber))
      .map(view)
      .map((event) => ({ event, key: `${event.subscriber}\n${event.position.padStart(20, '0')}` }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .filter(({ key }) => after === undefined || key > after);
    const page = all.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ event }) => event),
      nextCursor: all.length > query.limit && last ? encodeCursor({ key: last.key }) : null,
    };
  }

  /** The subscriber processes the parked event again; on success it leaves the parked list. */
  @Operation({
    summary: 'Process a parked event again; on success it leaves the parked list',
    answer: ParkedEventDto,
    problems: { 400: ['invalid_id'], 404: ['parked_event_not_found'], 409: ['parked_event_resolved'], 422: ['retry_failed'] },
  })
  @Post('parked-events/:id/retry')
  @Permission('operations.resolve-parked-events')
  @HttpCode(200)
  async retry(@Param('id') rawId: string, @CurrentActor() actor: Actor): Promise<ParkedEventView> {
    const { subscriber, position } = parseParkedEventId(rawId);
    await this.unresolved(subscriber, position);
    const retried = await this.runner.retryParked(subscriber, position);
    if (retried) throw new ProblemException(422, 'retry_failed', `The event stays parked: ${retried.failure}`);
    return this.resolve(subscriber, position, { action: 'retried', by: actorKey(actor), at: this.runner.clock.now().toISOString(), reason: '' });
  }

  /** The parked event leaves the list unprocessed; who skipped it, when and why are kept. */
  @Operation({
    summary: 'Leave a parked event unprocessed, with a reason kept for auditors',
    answer: ParkedEventDto,
    problems: { 400: ['invalid_id'], 404: ['parked_event_not_found'], 409: ['parked_event_resolved'] },
  })
  @Post('parked-events/:id/skip')
  @Permission('operations.resolve-parked-events')
  @HttpCode(200)
  async skip(@Param('id') rawId: string, @Body() body: SkipParkedEventDto, @CurrentActor() actor: Actor): Promise<ParkedEventView> {
    const { subscriber, position } = parseParkedEventId(rawId);
    await this.unresolved(subscriber, position);
    return this.resolve(subscriber, position, { action: 'skipped', by: actorKey(actor), at: this.runner.clock.now().toISOString(), reason: body.reason });
  }

  private async unresolved(subscriber: string, position: bigint): Promise<ParkedEventRecord> {
    const parked = await this.readStore.findParked(subscriber, position);
    if (parked === null) throw new ProblemException(404, 'parked_event_not_found', `${parkedEventId(subscriber, position)} is not a parked event`);
    if (parked.resolution) {
      const { action, by, at } = parked.resolution;
      throw new ProblemException(409, 'parked_event_resolved', `${parkedEventId(subscriber, position)} was already ${action} by ${by} at ${at}`);
    }
    return parked;
  }

  private async resolve(subscriber: string, position: bigint, resolution: ParkedResolution): Promise<ParkedEventView> {
    // Two admins at once: the first resolution is the one kept; the other hears 409.
    if (!(await this.readStore.resolveParked(subscriber, position, resolution))) await this.unresolved(subscriber, position);
    logger.log(`${resolution.by} ${resolution.action} parked event ${parkedEventId(subscriber, position)}${resolution.reason ? `: ${resolution.reason}` : ''}`);
    return view((await this.readStore.findParked(subscriber, position))!);
  }
}
