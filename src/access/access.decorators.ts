// How a route declares who may use it. Every route handler carries exactly one of:
//   @Permission('<name from permissions.ts>')  - signed-in users whose roles hold the permission;
//   @Public()                                  - anyone, signed in or not;
//   @Public({ identifiesCaller: true })        - anyone, and a valid token names the caller (the
//                                                route may answer more to some roles; a missing or
//                                                invalid token is simply an anonymous caller).
// A route with neither is refused to everyone (AccessGuard), and the attack suite fails on it.
// Either may sit on a controller class as the default for its handlers; a handler's own wins.
import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../eventstore/event-store.port.js';
import { rolesFor, type PermissionName } from './permissions.js';
import { accessScopeOf, type AccessScope } from './ownership.js';

export type AccessDeclaration = { kind: 'public'; identifiesCaller?: true } | { kind: 'permission'; permission: PermissionName };

const ACCESS = 'orderstream:access';

declare module 'fastify' {
  interface FastifyRequest {
    /** The permission the route declared, once AccessGuard has let the request through. */
    permission?: PermissionName;
  }
}

/** Only signed-in users whose roles hold `permission` (see permissions.ts) may use the route. */
export const Permission = (permission: PermissionName) =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'permission', permission } satisfies AccessDeclaration),
    // The OpenAPI document names the bearer scheme and, per operation, the permission and its
    // roles. (Declaring 401/403 responses here would hide the operation's default success answer.)
    ApiBearerAuth(),
    ApiExtension('x-permission', { name: permission, roles: rolesFor(permission) }),
  );

/** Anyone may use the route, without a token. Keep these few and obvious. */
export const Public = (options: { identifiesCaller?: true } = {}) => SetMetadata(ACCESS, { kind: 'public', ...options } satisfies AccessDeclaration);

export function accessDeclarationOf(reflector: Reflector, context: ExecutionContext): AccessDeclaration | undefined {
  return reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS, [context.getHandler(), context.getClass()]);
}

/** The same lookup for a handler found by discovery rather than in a request. */
export function accessDeclarationOfHandler(reflector: Reflector, handler: Function, controller: Function): AccessDeclaration | undefined {
  return reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS, [handler, controller]);
}

/** The caller: a signed-in user `{userId, roles}` on @Permission routes; anonymous on @Public ones. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor =>
  context.switchToHttp().getRequest<FastifyRequest>().actor,
);

/**
 * Whose resources the caller reaches through the route's permission: `{kind: 'any'}`, or
 * `{kind: 'own', userId}` (filter lists by owner; answer 404 for others' resources).
 */
export const RequestScope = createParamDecorator((_: unknown, context: ExecutionContext): AccessScope => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  if (request.permission === undefined) throw new Error('@RequestScope() needs a route with @Permission(...)');
  return accessScopeOf(request.actor, request.permission);
});
