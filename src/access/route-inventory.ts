// Every HTTP route the running service serves and what it declares (a permission, public, or
// nothing), found from the application itself: Nest's controllers by discovery, and every route
// Fastify registered, so routes served outside Nest (where no guard runs) show up too.
// GET /v1/admin/access-control answers it; the attack suite tests every route from it.
import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, HttpAdapterHost, MetadataScanner, Reflector } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { rolesFor, type PermissionName } from './permissions.js';
import type { Role } from './roles.js';
import { accessDeclarationOfHandler } from './access.decorators.js';

export interface RouteAccess {
  method: string;
  /** Fastify's pattern, e.g. /v1/products/:id */
  path: string;
  /** 'public', a permission name, or null for a route that declares nothing (refused to all). */
  access: 'public' | PermissionName | null;
  /** Roles that may use it; every role and anonymous callers for public routes. */
  roles: Role[] | 'anyone';
}

export interface HttpRoute {
  method: string;
  path: string;
}

const normalize = (...parts: string[]) => ('/' + parts.join('/')).replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');

@Injectable()
export class RouteInventory {
  private readonly registered: HttpRoute[] = [];

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {
    // Providers are built before Nest registers its routes (and before create-app mounts the
    // OpenAPI UI), so this hook sees every route the server will have.
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    fastify?.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.registered.push({ method: String(method), path: route.url });
    });
  }

  /** Every controller route with its declaration. */
  controllerRoutes(): RouteAccess[] {
    const routes: RouteAccess[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Function | null;
      if (!controller || !wrapper.instance) continue;
      const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, Function>;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name]!;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const declaration = accessDeclarationOfHandler(this.reflector, handler, controller);
        const access = declaration === undefined ? null : declaration.kind === 'public' ? 'public' : declaration.permission;
        const roles = access === 'public' ? 'anyone' : access === null ? [] : rolesFor(access);
        for (const prefix of prefixes) {
          for (const path of [Reflect.getMetadata(PATH_METADATA, handler) ?? '/'].flat() as string[]) {
            routes.push({ method: RequestMethod[method], path: normalize(prefix, path), access, roles });
          }
        }
      }
    }
    return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }

  /**
   * Routes the HTTP server serves that no controller declares: Nest's guards never run for them.
   * (HEAD twins of GET routes are left out: Fastify answers them with the GET route.)
   */
  routesOutsideNest(): HttpRoute[] {
    const nest = new Set(this.controllerRoutes().map((route) => `${route.method} ${route.path}`));
    const gets = new Set(this.registered.filter((route) => route.method === 'GET').map((route) => route.path));
    const seen = new Set<string>();
    return this.registered.filter((route) => {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key) || nest.has(key) || (route.method === 'HEAD' && gets.has(route.path))) return false;
      seen.add(key);
      return true;
    });
  }
}
