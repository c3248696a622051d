import { Controller, Delete, HttpCode, Inject, Param, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { IfMatchRevision } from '../../http/if-match.js';
import { ProblemException } from '../../http/problem.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { Permission } from '../../access/access.decorators.js';
import { assertLocalAccounts } from '../credentials.js';
import { actorKey } from '../../access/ownership.js';
import { ROLES, isRole } from '../../access/roles.js';
import { UserCommandMessage } from '../user-command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

@ApiTags('identity')
@Controller('v1/admin/users/:id/roles/:role')
export class RevokeRoleController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Revokes a role; revoking one the user does not hold records nothing. Takes effect on the user's next request. */
  @Operation({
    summary: "Revoke a role (admin); it takes effect on the user's next request",
    answer: CommandAnswerDto,
    problems: { 400: ['invalid_role'], 404: ['user_not_found', 'local_accounts_disabled'], 409: ['cannot_revoke_own_admin', 'last_admin'] },
  })
  @Delete()
  @Permission('identity.revoke-role')
  @HttpCode(200)
  @ApiParam({ name: 'role', enum: ROLES })
  @UseInterceptors(IdempotencyInterceptor)
  async revoke(
    @Param('id', uuidParam()) userId: string,
    @Param('role') role: string,
    @CommandContext() metadata: CommandMetadata,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    if (!isRole(role)) throw new ProblemException(400, 'invalid_role', `The role in the path must be one of ${ROLES.join(', ')}`);
    const command = { type: 'RevokeRole' as const, userId, role, requestedBy: actorKey(metadata.actor) };
    return commandAnswer(userId, await this.commands.execute(new UserCommandMessage(command, metadata, ifMatch)));
  }
}
