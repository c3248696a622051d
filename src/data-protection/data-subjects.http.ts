// Data protection over HTTP (admins): erase a data subject, place and lift a legal hold, and see
// where a subject stands. The subject is a customer's (or any account's) user id.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { CommandMetadata } from '../command-handling/command-metadata.js';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port.js';
import { eventOf } from '../command-handling/load-state.js';
import { fold } from '../decider/decider.js';
import { commandAnswer, type CommandAnswer } from '../http/command-answer.js';
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

export interface DataSubjectStatus {
  subjectId: string;
  legalHold: { reason: string } | null;
  erased: boolean;
  /** The subject's data key: active, erased (destroyed) or none (nothing of theirs was ever sealed). */
  key: 'active' | 'erased' | 'none';
  revision: number;
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
  @Post('erasure')
  @Permission('data-protection.erase-subject')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async erase(@Param('id', uuidParam()) subjectId: string, @Body() body: DataSubjectReasonDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer & { rebuilding: string[] }> {
    const result = await this.send({ type: 'EraseDataSubject', subjectId, reason: body.reason }, metadata);
    return { ...commandAnswer(subjectId, result), rebuilding: result.rebuilding ?? [] };
  }

  /** Places a legal hold: the subject cannot be erased until it is lifted. */
  @Post('legal-hold')
  @Permission('data-protection.hold-subject')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async hold(@Param('id', uuidParam()) subjectId: string, @Body() body: DataSubjectReasonDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    return commandAnswer(subjectId, await this.send({ type: 'PlaceLegalHold', subjectId, reason: body.reason }, metadata));
  }

  /** Lifts the legal hold. */
  @Post('legal-hold/lift')
  @Permission('data-protection.hold-subject')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async lift(@Param('id', uuidParam()) subjectId: string, @Body() body: DataSubjectReasonDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    return commandAnswer(subjectId, await this.send({ type: 'LiftLegalHold', subjectId, reason: body.reason }, metadata));
  }

  @Get()
  @Permission('data-protection.read-subject')
  async status(@Param('id', uuidParam()) subjectId: string, @Query() _query: NoQueryDto): Promise<DataSubjectStatus> {
    const events = await this.store.readStream(dataSubjectStreamId(subjectId));
    const state = fold(dataSubjectsDecider, events.map((event) => eventOf(dataSubjectsDecider, event)));
    const key = await this.keys.find(subjectId);
    return { subjectId, legalHold: state.legalHold, erased: state.erased, key: key?.state ?? 'none', revision: events.length - 1 };
  }

  private send(command: DataSubjectCommand, metadata: CommandMetadata): Promise<DataSubjectCommandResult> {
    return this.commands.execute(new DataSubjectCommandMessage(command, metadata));
  }
}
