// Data protection over HTTP (admins): erase a data subject, place and lift a legal hold, and see
// where a subject stands. The subject is a customer's (or any account's) user id.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Operation } from '../http/openapi/operation.decorator.js';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { eventOf } from '../command-handling/load-state.js';
import { fold } from '../decider/decider.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../http/command-answer.js';
import { uuidParam } from '../http/ids.js';
import { NoQueryDto } from '../http/no-query.js';
import { CommandContext } from '../http/request-context.js';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor.js';
import { Permission } from '../access/access.decorators.js';
import { SUBJECT_KEY_STORE, type SubjectKeyStore } from '../personal-data/subject-key-store.port.js';
import { DataSubjectCommandMessage, type DataSubjectCommandResult } from './data-subject-command.js';
import { dataSubjectsDecider, dataSubjectStreamId, MAX_REASON_LENGTH, type DataSubjectCommand } from './data-subjects.decider.js';

export class DataSubjectReasonDto {
  @ApiProperty({ description: 'Why: recorded for auditors (the request, the case); never the subject\'s data', example: 'GDPR art. 17 request #1234' })
  @IsString()
  @Length(1, MAX_REASON_LENGTH)
  reason!: string;
}

export class ErasureAnswerDto extends CommandAnswerDto {
  @ApiProperty({ type: [String], description: 'The read models being rebuilt without the subject\'s data (follow them at GET /v1/analytics/projections)' })
  rebuilding!: string[];
}

export class LegalHoldDto {
  @ApiProperty() reason!: string;
}

export class DataSubjectStatusDto {
  @ApiProperty({ format: 'uuid' }) subjectId!: string;
  @ApiProperty({ type: LegalHoldDto, nullable: true }) legalHold!: LegalHoldDto | null;
  @ApiProperty() erased!: boolean;
  @ApiProperty({ enum: ['active', 'erased', 'none'], description: "The subject's data key: active, erased (destroyed) or none (nothing of theirs was ever sealed)" })
  key!: 'active' | 'erased' | 'none';
  @ApiProperty({ description: 'Revision of the data-subject stream (-1: nothing recorded)' }) revision!: number;
}

@ApiTags('data protection')
@Controller('v1/admin/data-subjects/:id')
export class DataSubjectsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SUBJECT_KEY_STORE) private readonly keys: SubjectKeyStore,
  ) {}

  /** Erases the subject: destroys their key, records the receipt, rebuilds the read models holding personal data. 409 legal_hold while a hold lasts. */
  @Operation({
    summary: 'Erase a data subject: destroy their key, record the receipt, rebuild the read models holding personal data',
    answer: ErasureAnswerDto,
    problems: { 409: ['legal_hold'], 422: ['invalid_reason'] },
  })
  @Post('erasure')
  @Permission('data-protection.erase-subject')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async erase(@Param('id', uuidParam()) subjectId: string, @Body() body: DataSubjectReasonDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer & { rebuilding: string[] }> {
    const result = await this.send({ type: 'EraseDataSubject', subjectId, reason: body.reason }, metadata);
    return { ...commandAnswer(subjectId, result), rebuilding: result.rebuilding ?? [] };
  }

  /** Places a legal hold: the subject cannot be erased until it is lifted. */
  @Operation({ summary: 'Place a legal hold: the subject cannot be erased until it is lifted', answer: CommandAnswerDto, problems: { 409: ['data_subject_erased'], 422: ['invalid_reason'] } })
  @Post('legal-hold')
  @Permission('data-protection.hold-subject')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async hold(@Param('id', uuidParam()) subjectId: string, @Body() body: DataSubjectReasonDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    return commandAnswer(subjectId, await this.send({ type: 'PlaceLegalHold', subjectId, reason: body.reason }, metadata));
  }

  /** Lifts the legal hold. */
  @Operation({ summary: 'Lift the legal hold', answer: CommandAnswerDto, problems: { 422: ['invalid_reason'] } })
  @Post('legal-hold/lift')
  @Permission('data-protection.hold-subject')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async lift(@Param('id', uuidParam()) subjectId: string, @Body() body: DataSubjectReasonDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    return commandAnswer(subjectId, await this.send({ type: 'LiftLegalHold', subjectId, reason: body.reason }, metadata));
  }

  @Operation({ summary: 'Where a data subject stands: legal hold, erasure, their key', answer: DataSubjectStatusDto })
  @Get()
  @Permission('data-protection.read-subject')
  async status(@Param('id', uuidParam()) subjectId: string, @Query() _query: NoQueryDto): Promise<DataSubjectStatusDto> {
    const events = await this.store.readStream(dataSubjectStreamId(subjectId));
    const state = fold(dataSubjectsDecider, events.map((event) => eventOf(dataSubjectsDecider, event)));
    const key = await this.keys.find(subjectId);
    return { subjectId, legalHold: state.legalHold, erased: state.erased, key: key?.state ?? 'none', revision: events.length - 1 };
  }

  private send(command: DataSubjectCommand, metadata: CommandMetadata): Promise<DataSubjectCommandResult> {
    return this.commands.execute(new DataSubjectCommandMessage(command, metadata));
  }
}
