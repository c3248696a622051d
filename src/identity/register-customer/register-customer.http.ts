// Self-registration: anyone may open a customer account (and only a customer account).
// No Idempotency-Key here: the key's fingerprint would be a hash of a body holding a password.
// A repeated registration answers 409 email_already_registered, which is just as safe.
//
// That 409 tells whether an email has an account, which login takes care to hide. Kept on purpose:
// a shop must tell a customer "this email is already registered, sign in instead", and answering
// alike would need an out-of-band channel (an email to confirm) this service does not have. What
// keeps it from being an enumeration oracle is the budget per client address (an IPv6 /64):
// RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP (10) probes a minute, and a probe of a taken email
// costs no hash (it is refused before hashing), so probing cannot starve anyone either.
import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { CommandContext } from '../../http/request-context.js';
import { Public } from '../../access/access.decorators.js';
import { AccountEmail, NewPassword, assertLocalAccounts } from '../credentials.js';
import { CreateUserCommand } from '../create-user/create-user.command.js';
import { LoginThrottle } from '../issue-token/login-throttle.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

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
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Opens a customer account; then POST /v1/auth/token with the same email and password. */
  @Operation({
    summary: 'Register as a customer (self-service)',
    description: 'Then POST /v1/auth/token with the same email and password. More than RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP registrations from one address (an IPv6 /64) answer 429; see Retry-After.',
    status: 201,
    answer: CommandAnswerDto,
    problems: { 404: ['local_accounts_disabled'], 409: ['email_already_registered'], 422: ['invalid_email', 'invalid_credential'] },
  })
  @Post()
  @Public()
  @HttpCode(201)
  async register(@Body() body: RegisterCustomerDto, @CommandContext() metadata: CommandMetadata, @Req() request: FastifyRequest): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    // Every registration costs a password hash, and anyone may send one: a budget per client,
    // counted before anything else (a taken email is then refused before hashing, in the handler).
    await this.throttle.registration(request.ip);
    const result = await this.commands.execute(new CreateUserCommand({ email: body.email, password: body.password, roles: ['customer'] }, metadata));
    return commandAnswer(result.id, result);
  }
}
