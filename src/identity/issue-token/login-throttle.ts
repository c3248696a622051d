// Attempts to prove a password are limited per client and account (RATE_LIMIT_LOGIN_PER_MINUTE,
// 10 by default: the 11th within a minute answers 429 with Retry-After), and per client whatever
// the account, since each attempt costs a deliberately slow password hash. Every attempt counts,
// right or wrong: logins (POST /v1/auth/token) and current-password checks (PUT
// /v1/users/me/password) draw on the same budget, so a stolen token is no faster a guesser.
// Self-registrations have a per-client budget of their own (RATE_LIMIT_REGISTRATIONS_PER_MINUTE_PER_IP).
//
// The account is keyed by its id (derived from the normalized email, so every spelling of one
// email is one account and one budget); the client by clientBucket (an IPv6 client by its /64).
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { clientBucket } from '../../access/client-address.js';
import { tooManyRequests } from '../../access/command-rate-limit.guard.js';
import { SHARED_RATE_COUNTERS, type RateCounter, type RateCounters } from '../../access/rate-counters.js';
import { accessMetrics } from '../../access/access-metrics.js';

const MINUTE = 60_000;

@Injectable()
export class LoginThrottle {
  private readonly perIpAndAccount: RateCounter;
  private readonly perIp: RateCounter;
  private readonly registrationsPerIp: RateCounter;

  // Shared by every instance on MongoDB (src/access/rate-counters.ts): N instances are no N-fold budget.
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(SHARED_RATE_COUNTERS) counters: RateCounters) {
    const limits = config.security.rateLimits;
    this.perIpAndAccount = counters('login', limits.loginPerMinute, MINUTE);
    this.perIp = counters('login-ip', limits.loginPerMinutePerIp, MINUTE);
    this.registrationsPerIp = counters('registration-ip', limits.registrationsPerMinutePerIp, MINUTE);
  }

  /** Counts an attempt to prove the password of `accountId`; throws 429 when the client has made too many. */
  async attempt(ip: string, accountId: string): Promise<void> {
    const client = clientBucket(ip);
    const pair = await this.perIpAndAccount.take(`${client}\n${accountId}`);
    if (!pair.allowed) {
      accessMetrics.rateLimited('login');
      accessMetrics.login('rate_limited');
      throw tooManyRequests(pair, 'login attempts for this account from your address');
    }
    const address = await this.perIp.take(client);
    if (!address.allowed) {
      accessMetrics.rateLimited('login_ip');
      accessMetrics.login('rate_limited');
      throw tooManyRequests(address, 'login attempts from your address');
    }
  }

  /** Counts a self-registration; throws 429 when the client has made too many. */
  async registration(ip: string): Promise<void> {
    const decision = await this.registrationsPerIp.take(clientBucket(ip));
    if (!decision.allowed) {
      accessMetrics.rateLimited('registration_ip');
      throw tooManyRequests(decision, 'registrations from your address');
    }
  }
}
