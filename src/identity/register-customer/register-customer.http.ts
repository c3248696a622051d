// Self-registration: anyone may open a customer account (and only a customer account).
// No Idempotency-Key here: the key's fingerprint would be a hash of a body holding a password.
// A repeated registration answers 409 email_already_registered, which is just as safe.
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { CommandContext } from '../../http/request-context.js';
import { Public } from '../../access/access.decorators.js';
import { AccountEmail, NewPassword, assertLocalAccounts } from '../credentials.js';
import { CreateUserCommand } from '../create-user/create-user.command.js';

export class RegisterCustomerDto {
  @AccountEmail()
  email!: string;

  @NewPassword()
  password!: string;
}

@ApiTags('identity')
@Controller('v1/customers')
export class RegisterCustomerController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Opens a customer account; then POST /v1/auth/token with the same email and password. */
  @Post()
  @Public()
  @HttpCode(201)
  async register(@Body() body: RegisterCustomerDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    const result = await this.commands.execute(new CreateUserCommand({ email: body.email, password: body.password, roles: ['customer'] }, metadata));
    return commandAnswer(result.id, result);
  }
}
