// A signed-in user changes their own password, proving they know the current one (a stolen
// token alone cannot lock the owner out). No Idempotency-Key: the body holds passwords.
import { Body, Controller, HttpCode, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { CommandContext } from '../../http/request-context.js';
import { Permission } from '../../access/access.decorators.js';
import { GivenPassword, NewPassword, assertLocalAccounts } from '../credentials.js';
import { ChangePasswordCommand } from './change-password.command.js';
import { LoginThrottle } from '../issue-token/login-throttle.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class ChangePasswordDto {
  @GivenPassword()
  currentPassword!: string;

  @NewPassword()
  newPassword!: string;
}

@ApiTags('identity')
@Controller('v1/users/me/password')
export class ChangePasswordController {
  constructor(
    private readonly commands: CommandBus,
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Operation({
    summary: 'Change your own password',
    description: 'The current password is checked like a login and draws on the same budget (429 when spent).',
    answer: CommandAnswerDto,
    problems: { 403: ['wrong_current_password'], 404: ['local_accounts_disabled'], 422: ['invalid_credential'] },
  })
  @Put()
  @Permission('identity.change-own-password')
  @HttpCode(200)
  async change(@Body() body: ChangePasswordDto, @CommandContext() metadata: CommandMetadata, @Req() request: FastifyRequest): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    // A check of the current password is a login attempt in all but name: with a stolen token it
    // would be an unthrottled guesser. It draws on the account's login budget.
    if ('userId' in metadata.actor) await this.throttle.attempt(request.ip, metadata.actor.userId);
    const { currentPassword, newPassword } = body;
    const result = await this.commands.execute(new ChangePasswordCommand({ currentPassword, newPassword }, metadata));
    return commandAnswer(result.id, result);
  }
}
