// A signed-in user changes their own password, proving they know the current one (a stolen
// token alone cannot lock the owner out). No Idempotency-Key: the body holds passwords.
import { Body, Controller, HttpCode, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { CommandContext } from '../../http/request-context.js';
import { Permission } from '../../access/access.decorators.js';
import { GivenPassword, NewPassword, assertLocalAccounts } from '../credentials.js';
import { ChangePasswordCommand } from './change-password.command.js';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Put()
  @Permission('identity.change-own-password')
  @HttpCode(200)
  async change(@Body() body: ChangePasswordDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    const { currentPassword, newPassword } = body;
    const result = await this.commands.execute(new ChangePasswordCommand({ currentPassword, newPassword }, metadata));
    return commandAnswer(result.id, result);
  }
}
