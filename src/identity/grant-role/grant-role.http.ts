import { Body, Controller, HttpCode, Inject, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
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
import { ROLES, type Role } from '../../access/roles.js';
import { UserCommandMessage } from '../user-command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class GrantRoleDto {
  @ApiProperty({ enum: ROLES, example: 'analyst' })
  @IsIn(ROLES)
  role!: Role;
}

@ApiTags('identity')
@Controller('v1/admin/users/:id/roles')
export class GrantRoleController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Grants a role; granting one the user holds records nothing. */
  @Operation({
    summary: 'Grant a role (admin); granting one the user holds records nothing',
    answer: CommandAnswerDto,
    problems: { 404: ['user_not_found', 'local_accounts_disabled'], 409: ['user_disabled'], 422: ['invalid_role'] },
  })
  @Post()
  @Permission('identity.grant-role')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async grant(
    @Param('id', uuidParam()) userId: string,
    @Body() body: GrantRoleDto,
    @CommandContext() metadata: CommandMetadata,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    const command = { type: 'GrantRole' as const, userId, role: body.role, requestedBy: actorKey(metadata.actor) };
    return commandAnswer(userId, await this.commands.execute(new UserCommandMessage(command, metadata, ifMatch)));
  }
}
