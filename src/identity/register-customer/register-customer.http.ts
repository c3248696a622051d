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
import { PasswordHasher } from '../passwords/password-hasher.js';
import { userIdForEmail } from '../user-id.js';
import { normalizeEmail } from '../users.decider.js';
import { RegisterCustomerCommand } from './register-customer.command.js';

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
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Opens a customer account; then POST /v1/auth/token with the same email and password. */
  @Post()
  @Public()
  @HttpCode(201)
  async register(@Body() body: RegisterCustomerDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    const email = normalizeEmail(body.email)!;
    const userId = userIdForEmail(email);
    const passwordHash = await this.hasher.hash(body.password);
    const command = { type: 'RegisterUser' as const, userId, email, roles: ['customer' as const], passwordHash };
    return commandAnswer(userId, await this.commands.execute(new RegisterCustomerCommand(command, metadata)));
  }
}
