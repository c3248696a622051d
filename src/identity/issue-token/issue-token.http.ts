// POST /v1/auth/token: email and password in, a short-lived bearer token out. Wrong email, wrong
// password and disabled account all answer the same 401 after the same hashing work, so the
// answer does not reveal which accounts exist.
import { Body, Controller, Header, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ProblemException } from '../../http/problem.js';
import { accessMetrics } from '../../access/access-metrics.js';
import { Public } from '../../access/access.decorators.js';
import { AccountEmail, GivenPassword, assertLocalAccounts } from '../credentials.js';
import { AccountCredentials } from '../passwords/account-credentials.js';
import { TokenIssuer, type IssuedToken } from '../tokens/token-issuer.js';
import { UserAccounts } from '../user-accounts.js';
import { userIdForEmail } from '../user-id.js';
import { normalizeEmail } from '../users.decider.js';
import { LoginThrottle } from './login-throttle.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { IssuedTokenDto } from '../queries/user-views.dto.js';

export class IssueTokenDto {
  @AccountEmail()
  email!: string;

  @GivenPassword()
  password!: string;
}

@ApiTags('identity')
@Controller('v1/auth/token')
export class IssueTokenController {
  private readonly logger = new Logger('Login');

  constructor(
    private readonly accounts: UserAccounts,
    private readonly credentials: AccountCredentials,
    private readonly tokens: TokenIssuer,
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Operation({
    summary: 'Sign in: exchange an email and password for an access token',
    description: 'More than RATE_LIMIT_LOGIN_PER_MINUTE attempts for one email from one address (or RATE_LIMIT_LOGIN_PER_MINUTE_PER_IP from the address) answer 429; see Retry-After.',
    answer: IssuedTokenDto,
    problems: { 401: ['invalid_credentials'], 404: ['local_accounts_disabled'] },
  })
  @Post()
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async issue(@Body() body: IssueTokenDto, @Req() request: FastifyRequest): Promise<IssuedToken> {
    assertLocalAccounts(this.config);
    const email = normalizeEmail(body.email)!;
    // Keyed on the account id (which the email derives whether or not the account exists).
    await this.throttle.attempt(request.ip, userIdForEmail(email));
    const user = await this.accounts.byEmail(email);
    const matches = user.status === 'registered'
      ? await this.credentials.verify(user, body.password)
      : await this.credentials.verifyNothing(body.password);
    if (user.status !== 'registered' || !matches || user.disabled) {
      accessMetrics.login('invalid_credentials');
      // A security event for the operator (the client learns none of this): which account id, from where, and why.
      const reason = user.status !== 'registered' ? 'unknown_account' : !matches ? 'wrong_password' : 'account_disabled';
      this.logger.warn({ event: 'login_failed', reason, accountId: userIdForEmail(email), clientIp: request.ip }, 'login failed');
      throw new ProblemException(401, 'invalid_credentials', 'The email or password is not correct');
    }
    accessMetrics.login('issued');
    return this.tokens.issue(user.userId, user.roles, user.credentialId);
  }
}
