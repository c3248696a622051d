// An admin creates an account with any roles (staff, analysts, auditors, other admins) and an
// initial password to hand over out of band. No Idempotency-Key: the body holds a password.
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { CommandContext } from '../../http/request-context.js';
import { Permission } from '../../access/access.decorators.js';
import { AccountEmail, NewPassword, assertLocalAccounts } from '../credentials.js';
import { ROLES, type Role } from '../../access/roles.js';
import { CreateUserCommand } from './create-user.command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class CreateUserDto {
  @AccountEmail()
  email!: string;

  @NewPassword('Initial password, handed to the user out of band; they change it with PUT /v1/users/me/password')
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['staff'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

@ApiTags('identity')
@Controller('v1/admin/users')
export class CreateUserController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Operation({
    summary: 'Create a user with roles (admin)',
    status: 201,
    answer: CommandAnswerDto,
    problems: { 404: ['local_accounts_disabled'], 409: ['email_already_registered'], 422: ['invalid_email', 'invalid_credential', 'invalid_role'] },
  })
  @Post()
  @Permission('identity.create-user')
  @HttpCode(201)
  async create(@Body() body: CreateUserDto, @CommandContext() metadata: CommandMetadata): Promise<CommandAnswer> {
    assertLocalAccounts(this.config);
    const result = await this.commands.execute(new CreateUserCommand({ email: body.email, password: body.password, roles: body.roles }, metadata));
    return commandAnswer(result.id, result);
  }
}
