// Rate limits on commands (every method but GET, HEAD and OPTIONS): per signed-in user and per
// client IP, each per minute (config RATE_LIMIT_COMMANDS_*). A refusal is 429 with Retry-After.
// The client IP is the socket's peer unless TRUST_PROXY names the proxies in front of the
// service; only then does X-Forwarded-For count, so a client cannot pick a fresh address per request.
// Registered as a global guard after AccessGuard, which sets the caller it limits.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CLOCK, type Clock } from '../clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { accessMetrics } from './access-metrics.js';
import { ProblemException } from '../http/problem.js';
import { RateLimiter, type RateDecision } from './rate-limiter.js';

const QUERY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MINUTE = 60_000;

export function tooManyRequests(decision: RateDecision, what: string): ProblemException {
  return new ProblemException(429, 'rate_limited', `Too many ${what}; retry in ${decision.retryAfterSeconds} s`, { retryAfter: decision.retryAfterSeconds });
}

@Injectable()
export class CommandRateLimitGuard implements CanActivate {
  private readonly perUser: RateLimiter;
  private readonly perIp: RateLimiter;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(CLOCK) clock: Clock) {
    const now = () => clock.now().getTime();
    this.perUser = new RateLimiter(config.security.rateLimits.commandsPerMinutePerUser, MINUTE, now);
    this.perIp = new RateLimiter(config.security.rateLimits.commandsPerMinutePerIp, MINUTE, now);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (QUERY_METHODS.has(request.method)) return true;
    const byIp = this.perIp.take(request.ip);
    if (!byIp.allowed) {
      accessMetrics.rateLimited('commands_ip');
      throw tooManyRequests(byIp, 'commands from your address');
    }
    // `permission` is set only once AccessGuard has authenticated the caller.
    if (request.permission !== undefined && 'userId' in request.actor) {
      const byUser = this.perUser.take(request.actor.userId);
      if (!byUser.allowed) {
        accessMetrics.rateLimited('commands_user');
        throw tooManyRequests(byUser, 'commands from your account');
      }
    }
    return true;
  }
}
