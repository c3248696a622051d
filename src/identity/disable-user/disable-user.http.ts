import { Body, Controller, HttpCode, Inject, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { IfMatchRevision } from '../../http/if-match.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { Permission } from '../../access/access.decorators.js';
import { assertLocalAccounts } from '../credentials.js';
import { actorKey } from '../../access/ownership.js';
import { UserCommandMessage } from '../user-command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class DisableUserDto {
  @ApiProperty({ description: 'Why: recorded for auditors', example: 'left the company' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

@ApiTags('identity')
@Controller('v1/admin/users/:id/disable')
export class DisableUserController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Disables the account: no more logins, and its tokens stop working at once. */
  @Operation({
    summary: 'Disable a user: no more logins, and their tokens stop working at once (admin)',
    answer: CommandAnswerDto,
    problems: { 404: ['user_not_found', 'local_accounts_disabled'], 409: ['cannot_disable_self', 'last_admin', 'user_disabled'], 422: ['invalid_reason'] },
  })
  @Post()
  @Permission('identity.disable-user')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async disable(
    @Param('id', uuidParam()) userId: string,
    @Body() body: DisableUserDto,
    @CommandContext() metadata: CommandMetadata,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    const command = { type: 'DisableUser' as const, userId, reason: body.reason, requestedBy: actorKey(metadata.actor) };
    return commandAnswer(userId, await this.commands.execute(new UserCommandMessage(command, metadata, ifMatch)));
  }
}
