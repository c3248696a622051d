// The global guard (APP_GUARD): default deny. A route is served only if it declares @Public(),
// or declares @Permission(p) and the caller presents a valid token whose roles hold p. On a public
// route that identifies its caller, a valid token sets the actor and anything else leaves it anonymous.
// A route that declares nothing is refused to everyone and logged as a wiring bug.
import { Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../eventstore/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { scopeFor } from './permissions.js';
import { accessDeclarationOf } from './access.decorators.js';
import { accessMetrics } from './access-metrics.js';

const logger = new Logger('AccessGuard');

@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const declared = accessDeclarationOf(this.reflector, context);
    if (declared === undefined) {
      logger.error(`${request.method} ${request.routeOptions.url} declares no permission and is refused to everyone: add @Permission(...) or @Public()`);
      accessMetrics.refused('permission_undeclared');
      throw new ProblemException(403, 'permission_undeclared', 'This route declares no permission, so nobody may use it');
    }
    if (declared.kind === 'public') {
      if (declared.identifiesCaller && request.headers.authorization !== undefined) await this.identify(context, request);
      return true;
    }

    await super.canActivate(context);
    const actor = (request as FastifyRequest & { user?: Actor }).user!;
    if (!('userId' in actor) || scopeFor(actor.roles, declared.permission) === undefined) {
      accessMetrics.refused('forbidden');
      throw new ProblemException(403, 'forbidden', `Your roles do not hold the permission ${declared.permission}`);
    }
    request.actor = actor;
    request.permission = declared.permission;
    return true;
  }

  /** Sets the actor from a valid token; without one the caller stays anonymous, on a route anyone may use. */
  private async identify(context: ExecutionContext, request: FastifyRequest): Promise<void> {
    try {
      await super.canActivate(context);
    } catch (error) {
      // The account could not be looked up (a store is down): the caller is served as anonymous,
      // and what it asked for (the health status) says which store is down.
      logger.debug(`Caller not identified on a public route: ${(error as Error).message}`);
      return;
    }
    const user = (request as FastifyRequest & { user?: Actor | false }).user;
    if (user && 'userId' in user) request.actor = user;
  }

  override handleRequest<TUser = Actor>(error: unknown, user: TUser | null | false, _info: unknown, context: ExecutionContext): TUser {
    // An error (not a refusal) means the account could not be looked up: an outage, not a 401.
    if (error) throw error;
    if (!user && accessDeclarationOf(this.reflector, context)?.kind === 'public') {
      // An identifying public route: no valid token is an anonymous caller, not a refusal.
      return false as TUser;
    }
    if (!user) {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const presented = request.headers.authorization !== undefined;
      accessMetrics.refused(presented ? 'invalid_token' : 'unauthorized');
      // RFC 6750: say which scheme is expected, and whether the token given was the problem.
      context.switchToHttp().getResponse<FastifyReply>()
        .header('WWW-Authenticate', presented ? 'Bearer realm="orderstream", error="invalid_token"' : 'Bearer realm="orderstream"');
      throw presented
        ? new ProblemException(401, 'invalid_token', 'The access token is malformed, expired, not yet valid or not issued for this service')
        : new ProblemException(401, 'unauthorized', 'This route needs an access token: Authorization: Bearer <token> (POST /v1/auth/token)');
    }
    return user;
  }
}
