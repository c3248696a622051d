// GET /v1/admin/access-control: the permission table and every route with what it requires,
// from the running service. For admins and auditors ("who can do what"), and for the attack
// suite, which tests every route it lists against every role.
import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from './permissions.js';
import { ROLES } from './roles.js';
import { Permission } from './access.decorators.js';
import { RouteInventory, type HttpRoute, type RouteAccess } from './route-inventory.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { AccessControlDto } from './access-views.dto.js';

export interface AccessControlView {
  roles: readonly string[];
  /** permission -> role -> scope ('any' or 'own') */
  permissions: Record<string, Record<string, string>>;
  routes: RouteAccess[];
  /** Served without Nest's guards (the OpenAPI UI and document): public by construction. */
  routesOutsideGuards: HttpRoute[];
}

@ApiTags('identity')
@Controller('v1/admin/access-control')
export class AccessControlController {
  constructor(private readonly inventory: RouteInventory) {}

  @Operation({ summary: 'Every route with the permission it declares and the roles holding it', answer: AccessControlDto })
  @Get()
  @Permission('identity.read-access-control')
  @Header('Cache-Control', 'no-store')
  view(): AccessControlView {
    return {
      roles: ROLES,
      permissions: PERMISSIONS,
      routes: this.inventory.controllerRoutes(),
      routesOutsideGuards: this.inventory.routesOutsideNest(),
    };
  }
}
