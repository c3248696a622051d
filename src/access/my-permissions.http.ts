// GET /v1/users/me/permissions: the permissions the caller's roles hold now, from the one table
// (permissions.ts). Clients that show or hide actions (the audit console at /console) ask the
// service instead of keeping a copy of the table; the routes themselves still decide every request.
import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../eventstore/event-store.port.js';
import { NoQueryDto } from '../http/no-query.js';
import { CurrentActor, Permission } from './access.decorators.js';
import { PERMISSION_NAMES, scopeFor, type PermissionName, type Scope } from './permissions.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { MyPermissionsDto } from './access-views.dto.js';

export interface MyPermissionsView {
  roles: readonly string[];
  permissions: Array<{ name: PermissionName; scope: Scope }>;
}

/** What `roles` may do, in the table's order. */
export function permissionsOf(roles: readonly string[]): MyPermissionsView['permissions'] {
  return PERMISSION_NAMES.flatMap((name) => {
    const scope = scopeFor(roles, name);
    return scope === undefined ? [] : [{ name, scope }];
  });
}

@ApiTags('identity')
@Controller('v1/users/me/permissions')
export class MyPermissionsController {
  @Operation({ summary: "What the caller's roles may do now: each permission with its scope", answer: MyPermissionsDto })
  @Get()
  @Permission('identity.read-own-account')
  @Header('Cache-Control', 'no-store')
  mine(@Query() _query: NoQueryDto, @CurrentActor() actor: Actor): MyPermissionsView {
    // A @Permission route always has a signed-in user; the guard put the roles in force on it.
    const roles = 'roles' in actor ? actor.roles : [];
    return { roles, permissions: permissionsOf(roles) };
  }
}
