import { Controller, Get, Header, Inject, Param, Query as QueryParams, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { usersProjection } from '../../../projections/users/users.projection.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Actor } from '../../eventstore/event-store.port.js';
import { uuidParam } from '../../http/ids.js';
import { etagOf } from '../../http/if-match.js';
import { ReadsFrom } from '../../http/min-position.interceptor.js';
import { PageQueryDto, type Page } from '../../http/pagination.js';
import { CurrentActor, Permission } from '../../access/access.decorators.js';
import { UserAccounts } from '../user-accounts.js';
import { GetUserQuery, ListUsersQuery, type UserView } from './user-queries.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { UserDto } from './user-views.dto.js';

@ApiTags('identity')
@Controller('v1/admin/users')
export class UsersController {
  constructor(private readonly queries: QueryBus) {}

  @Operation({ summary: 'List users (admin)', answer: { page: UserDto }, problems: { 400: ['invalid_cursor'] } })
  @Get()
  @Permission('identity.list-users')
  @Header('Cache-Control', 'no-store')
  @ReadsFrom(usersProjection.name)
  list(@QueryParams() page: PageQueryDto): Promise<Page<UserView>> {
    return this.queries.execute(new ListUsersQuery(page.limit, page.cursor));
  }

  @Operation({ summary: 'Read a user (admin)', answer: UserDto, headers: ['ETag'], problems: { 404: ['user_not_found'] } })
  @Get(':id')
  @Permission('identity.read-user')
  @ReadsFrom(usersProjection.name)
  async get(@Param('id', uuidParam()) userId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserView> {
    const user = await this.queries.execute(new GetUserQuery(userId));
    reply.header('ETag', etagOf(user.revision));
    return user;
  }
}

export interface AccountView {
  id: string;
  /** Absent for users of an external identity provider. */
  email?: string;
  /** The roles in force for this token (those it claims that the account still holds). */
  roles: string[];
}

export class AccountDto implements AccountView {
  @ApiProperty({ description: 'The user id' }) id!: string;
  @ApiPropertyOptional({ format: 'email', description: 'Absent for users of an external identity provider' }) email?: string;
  @ApiProperty({ type: [String], description: 'The roles in force for this token' }) roles!: string[];
}

@ApiTags('identity')
@Controller('v1/users/me')
export class MeController {
  constructor(
    private readonly accounts: UserAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Who the token stands for. Read from the account itself, so it is current right after registering. */
  @Operation({ summary: 'Who the token stands for: your id, email and roles in force', answer: AccountDto })
  @Get()
  @Permission('identity.read-own-account')
  @Header('Cache-Control', 'no-store')
  async me(@CurrentActor() actor: Actor): Promise<AccountView> {
    if (!('userId' in actor)) throw new Error('A @Permission route always has a signed-in user');
    if (this.config.security.jwt.mode !== 'local') return { id: actor.userId, roles: actor.roles };
    const account = await this.accounts.byId(actor.userId);
    return { id: actor.userId, ...(account.status === 'registered' ? { email: account.email } : {}), roles: actor.roles };
  }
}
