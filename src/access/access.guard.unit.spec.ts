// The default-deny rule itself, without a server: a handler that declares nothing is refused,
// a public one is let through without a token. (The attack suite covers the rest over HTTP.)
import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/internal';
import { AccessGuard } from './access.guard.js';
import { Permission, Public } from './access.decorators.js';

class Controller {
  undeclared() {}
  @Public()
  open() {}
  @Permission('inventory.register-product')
  guarded() {}
}

function contextFor(handler: keyof Controller, headers: Record<string, string> = {}): ExecutionContext {
  const request = { method: 'GET', routeOptions: { url: `/test/${handler}` }, headers, actor: { userId: 'anonymous', roles: [] } };
  const reply = { header: () => reply };
  // Nest's own ExecutionContext of an HTTP call, over a plain request and reply (what Fastify hands it).
  return new ExecutionContextHost([request, reply], Controller, Controller.prototype[handler]);
}

describe('AccessGuard', () => {
  const guard = new AccessGuard(new Reflector());

  it('refuses a handler that declares neither a permission nor @Public()', async () => {
    await expect(guard.canActivate(contextFor('undeclared'))).rejects.toMatchObject({ code: 'permission_undeclared', status: 403 });
  });

  it('lets a @Public() handler through without a token', async () => {
    await expect(guard.canActivate(contextFor('open'))).resolves.toBe(true);
  });

  it('answers 401 for a @Permission handler called without a token', () => {
    expect(() => guard.handleRequest(null, false, undefined, contextFor('guarded'))).toThrow(expect.objectContaining({ code: 'unauthorized', status: 401 }));
    expect(() => guard.handleRequest(null, false, undefined, contextFor('guarded', { authorization: 'Bearer x' }))).toThrow(expect.objectContaining({ code: 'invalid_token' }));
  });
});
