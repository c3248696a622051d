// A rate limit on the reads that cost the most: the audit and export routes, each of which may walk
// the whole log and is itself recorded in the log (config RATE_LIMIT_AUDIT_READS_PER_MINUTE_PER_USER).
// Per signed-in user, per minute; a refusal is 429 with Retry-After, before anything is read or
// recorded. Put on a controller or route with @UseGuards(ReadRateLimitGuard); it runs after the
// global AccessGuard, which sets the caller. One instance per module, so one budget per user
// across the module's routes.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CLOCK, type Clock } from '../clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { accessMetrics } from './access-metrics.js';
import { tooManyRequests } from './command-rate-limit.guard.js';
import { actorKey } from './ownership.js';
import { RateLimiter } from './rate-limiter.js';

@Injectable()
export class ReadRateLimitGuard implements CanActivate {
  private readonly perUser: RateLimiter;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(CLOCK) clock: Clock) {
    this.perUser = new RateLimiter(config.security.rateLimits.auditReadsPerMinutePerUser, 60_000, () => clock.now().getTime());
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const decision = this.perUser.take(actorKey(request.actor));
    if (!decision.allowed) {
      accessMetrics.rateLimited('audit_reads_user');
      throw tooManyRequests(decision, 'audit and export reads from your account');
    }
    return true;
  }
}
