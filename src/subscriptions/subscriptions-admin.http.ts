// Operators' view of the subscribers: progress and lag, and the events parked as poison.
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { decodeCursor, encodeCursor, PageQueryDto, type Page } from '../http/pagination.js';
import { READ_STORE, type ParkedEvent, type ReadStore } from '../readstore/read-store.port.js';
import { SubscriptionRunner, type SubscriberStatus } from './subscription-runner.js';
import { Permission } from '../access/access.decorators.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { ParkedEventDto, SubscriberListDto } from './subscription-views.dto.js';

export class ParkedEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this subscriber (its checkpoint name, e.g. product-details@v1)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subscriber?: string;
}

type ParkedEventView = Omit<ParkedEvent, 'position'> & { position: string };

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
      .map((event) => ({ ...event, position: event.position.toString() }))
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
}
