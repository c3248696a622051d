// Login attempts are limited per client IP and email (RATE_LIMIT_LOGIN_PER_MINUTE, 10 by default:
// the 11th within a minute answers 429 with Retry-After), and per IP whatever the email, since each
// attempt costs a deliberately slow password hash. Every attempt counts, right or wrong.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { tooManyRequests } from '../../access/command-rate-limit.guard.js';
import { RateLimiter } from '../../access/rate-limiter.js';
import { accessMetrics } from '../../access/access-metrics.js';

const MINUTE = 60_000;

@Injectable()
export class LoginThrottle {
  private readonly perIpAndEmail: RateLimiter;
  private readonly perIp: RateLimiter;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(CLOCK) clock: Clock) {
    const now = () => clock.now().getTime();
    this.perIpAndEmail = new RateLimiter(config.security.rateLimits.loginPerMinute, MINUTE, now);
    this.perIp = new RateLimiter(config.security.rateLimits.loginPerMinutePerIp, MINUTE, now);
  }

  /** Counts an attempt; throws 429 when the client has made too many. */
  attempt(ip: string, email: string): void {
    const pair = this.perIpAndEmail.take(`${ip}\n${email}`);
    if (!pair.allowed) {
      accessMetrics.rateLimited('login');
      accessMetrics.login('rate_limited');
      throw tooManyRequests(pair, 'login attempts for this account from your address');
    }
    const address = this.perIp.take(ip);
    if (!address.allowed) {
      accessMetrics.rateLimited('login_ip');
      accessMetrics.login('rate_limited');
      throw tooManyRequests(address, 'login attempts from your address');
    }
  }
}
