// Ownership: a permission may reach every resource of its kind ('any') or only the caller's own
// ('own', see permissions.ts). Another user's resource answers exactly like a missing one (404),
// so a customer cannot even learn that an id exists.
import type { Actor } from '../eventstore/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { scopeFor, type PermissionName } from './permissions.js';

export type AccessScope = { kind: 'any' } | { kind: 'own'; userId: string };

/**
 * The key an actor is known by wherever ownership or "oneself" matters: the customer an order
 * belongs to, the requester a user rule compares with. A user's id (what an 'own' scope
 * compares), or `system:<name>` for a system actor, which can never collide with a user id.
 */
export const actorKey = (actor: Actor): string => ('userId' in actor ? actor.userId : `system:${actor.system}`);

/** Sagas and other system actors act on any resource; users as their roles allow. */
export function accessScopeOf(actor: Actor, permission: PermissionName): AccessScope {
  if ('system' in actor) return { kind: 'any' };
  const scope = scopeFor(actor.roles, permission);
  if (scope === 'any') return { kind: 'any' };
  if (scope === 'own') return { kind: 'own', userId: actor.userId };
  // AccessGuard refuses such requests before any handler runs; reaching here is a wiring bug.
  throw new ProblemException(403, 'forbidden', `Your roles do not hold the permission ${permission}`);
}

/** True if `actor` may reach a resource owned by `ownerId` through `permission`. */
export function mayReach(actor: Actor, permission: PermissionName, ownerId: string): boolean {
  const scope = accessScopeOf(actor, permission);
  return scope.kind === 'any' || scope.userId === ownerId;
}

/**
 * Throws `notFound()` unless `actor` may reach the resource owned by `ownerId`. Pass the same
 * error the route answers for a resource that does not exist, e.g.
 * `() => new DomainError('not_found', 'order_not_found', \`Order ${id} does not exist\`)`.
 */
export function assertReachable(actor: Actor, permission: PermissionName, ownerId: string, notFound: () => Error): void {
  if (!mayReach(actor, permission, ownerId)) throw notFound();
}
