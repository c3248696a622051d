// Operators' view of the subscribers: progress and lag, and the events parked as poison. An admin's
// retry or skip is a decision recorded in the log first (parked-events.decider.ts, through the one
// write path), then applied to the parked list in the read store.
import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { decodeCursor, encodeCursor, PageQueryDto, type Page } from '../http/pagination.js';
import { EVENT_STORE, type EventStore, type Position, type RecordedEvent } from '../eventstore/event-store.port.js';
import { CommandProcessor } from '../command-handling/command-processor.js';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { eventOf } from '../command-handling/load-state.js';
import { DomainError } from '../decider/domain-error.js';
import { CommandContext } from '../http/request-context.js';
import { ProblemException } from '../http/problem.js';
import { READ_STORE, type ParkedEvent, type ParkedEventRecord, type ParkedResolution, type ReadStore } from '../readstore/read-store.port.js';
import { parkedEventId, parseParkedEventId } from './parked-event-id.js';
import { SubscriptionRunner, type SubscriberStatus } from './subscription-runner.js';
import { Permission } from '../access/access.decorators.js';
import { actorKey } from '../access/ownership.js';
import { MAX_SKIP_REASON_LENGTH, parkedEventsDecider, parkedEventStreamId, type ParkedEventCommand, type ParkedEventRef } from './parked-events.decider.js';
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
  @Length(1, MAX_SKIP_REASON_LENGTH)
  reason!: string;
}

type ParkedEventView = Omit<ParkedEventRecord, 'position'> & { id: string; position: string; decisionStream: string };

function view(event: ParkedEvent | ParkedEventRecord): ParkedEventView {
  const id = parkedEventId(event.subscriber, event.position);
  return { id, ...event, position: event.position.toString(), decisionStream: parkedEventStreamId(id) };
}

const refOf = (event: ParkedEvent): ParkedEventRef => ({
  subscriber: event.subscriber, position: event.position.toString(), streamId: event.streamId, revision: event.revision, eventId: event.eventId, eventType: event.type,
});

/** What the read store keeps of the decision that resolved a parked event (none for a failed retry). */
function resolutionOf(recorded: RecordedEvent): ParkedResolution | undefined {
  const decision = eventOf(parkedEventsDecider, recorded);
  const by = actorKey(recorded.metadata.actor);
  const at = recorded.metadata.occurredAt ?? recorded.recordedAt;
  switch (decision.type) {
    case 'ParkedEventRetried':
      return { action: 'retried', by, at, reason: '' };
    case 'ParkedEventSkipped':
      return { action: 'skipped', by, at, reason: decision.data.reason };
    case 'ParkedEventRetryFailed':
      return undefined;
  }
}

const logger = new Logger('ParkedEvents');

@ApiTags('operations')
@Controller('v1/admin')
export class SubscriptionsAdminController {
  constructor(
    private readonly runner: SubscriptionRunner,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly processor: CommandProcessor,
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

  /** The subscriber processes the parked event again; on success it leaves the parked list. Either outcome is recorded. */
  @Operation({
    summary: 'Process a parked event again; on success it leaves the parked list (the outcome is recorded in the log)',
    answer: ParkedEventDto,
    problems: { 400: ['invalid_id'], 404: ['parked_event_not_found'], 409: ['parked_event_resolved'], 422: ['retry_failed'] },
  })
  @Post('parked-events/:id/retry')
  @Permission('operations.resolve-parked-events')
  @HttpCode(200)
  async retry(@Param('id') rawId: string, @CommandContext() metadata: CommandMetadata): Promise<ParkedEventView> {
    const { subscriber, position } = parseParkedEventId(rawId);
    const parked = await this.unresolved(subscriber, position);
    const retried = await this.runner.retryParked(subscriber, position);
    await this.decide({ type: 'RecordParkedEventRetry', parked: refOf(parked), failure: retried?.failure ?? null }, metadata);
    if (retried) throw new ProblemException(422, 'retry_failed', `The event stays parked: ${retried.failure}`);
    return view((await this.readStore.findParked(subscriber, position))!);
  }

  /** The parked event leaves the list unprocessed; who skipped it, when and why are recorded in the log. */
  @Operation({
    summary: 'Leave a parked event unprocessed, with a reason recorded in the log for auditors',
    answer: ParkedEventDto,
    problems: { 400: ['invalid_id'], 404: ['parked_event_not_found'], 409: ['parked_event_resolved'], 422: ['invalid_reason'] },
  })
  @Post('parked-events/:id/skip')
  @Permission('operations.resolve-parked-events')
  @HttpCode(200)
  async skip(@Param('id') rawId: string, @Body() body: SkipParkedEventDto, @CommandContext() metadata: CommandMetadata): Promise<ParkedEventView> {
    const { subscriber, position } = parseParkedEventId(rawId);
    const parked = await this.unresolved(subscriber, position);
    await this.decide({ type: 'SkipParkedEvent', parked: refOf(parked), reason: body.reason }, metadata);
    return view((await this.readStore.findParked(subscriber, position))!);
  }

  /**
   * The parked event, refused with 404 if never parked and 409 if resolved. A decision already in
   * the log that the read store lacks (the service stopped between the two) is applied first.
   */
  private async unresolved(subscriber: string, position: Position): Promise<ParkedEventRecord> {
    const parked = await this.readStore.findParked(subscriber, position);
    if (parked === null) throw new ProblemException(404, 'parked_event_not_found', `${parkedEventId(subscriber, position)} is not a parked event`);
    if (!parked.resolution) await this.applyDecisions(subscriber, position);
    const current = parked.resolution ? parked : await this.readStore.findParked(subscriber, position);
    if (current?.resolution) {
      const { action, by, at } = current.resolution;
      throw new ProblemException(409, 'parked_event_resolved', `${parkedEventId(subscriber, position)} was already ${action} by ${by} at ${at}`);
    }
    return parked;
  }

  /** Records the decision (the one write path), then applies it to the parked list. */
  private async decide(command: ParkedEventCommand, metadata: CommandMetadata): Promise<void> {
    const position = BigInt(command.parked.position);
    try {
      await this.processor.handle(parkedEventsDecider, { streamId: parkedEventStreamId(parkedEventId(command.parked.subscriber, position)), command, metadata });
    } catch (error) {
      // Another admin's decision landed first: the parked list shows theirs, and this one is refused.
      if (error instanceof DomainError && error.code === 'parked_event_resolved') await this.unresolved(command.parked.subscriber, position);
      throw error;
    }
    await this.applyDecisions(command.parked.subscriber, position);
  }

  /** Applies the decision that resolved the parked event, if its stream holds one (idempotent: the first resolution stays). */
  private async applyDecisions(subscriber: string, position: Position): Promise<void> {
    const recorded = await this.store.readStream(parkedEventStreamId(parkedEventId(subscriber, position)));
    for (const event of recorded) {
      const resolution = resolutionOf(event);
      if (!resolution) continue;
      if (await this.readStore.resolveParked(subscriber, position, resolution)) {
        logger.log(`${resolution.by} ${resolution.action} parked event ${parkedEventId(subscriber, position)}${resolution.reason ? `: ${resolution.reason}` : ''}`);
      }
      return;
    }
  }
}
