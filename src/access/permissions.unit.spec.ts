import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../decider/domain-error.js';
import { accessScopeOf, assertReachable, mayReach } from './ownership.js';
import { PERMISSIONS, PERMISSION_NAMES, rolesFor, scopeFor } from './permissions.js';
import { ROLES } from './roles.js';

const customer = { userId: 'c-1', roles: ['customer'] };
const staff = { userId: 's-1', roles: ['staff'] };

describe('the permission table', () => {
  it('names only known roles, each with a known scope, and every permission has a role', () => {
    for (const name of PERMISSION_NAMES) {
      const grants = Object.entries(PERMISSIONS[name]);
      expect(grants.length).toBeGreaterThan(0);
      for (const [role, scope] of grants) {
        expect(ROLES).toContain(role);
        expect(['any', 'own']).toContain(scope);
      }
    }
  });

  it('gives the widest scope any of the roles has', () => {
    expect(scopeFor(['customer'], 'ordering.read-order')).toBe('own');
    expect(scopeFor(['customer', 'staff'], 'ordering.read-order')).toBe('any');
    expect(scopeFor(['analyst'], 'ordering.read-order')).toBeUndefined();
    expect(scopeFor([], 'inventory.read-products')).toBeUndefined();
    expect(rolesFor('inventory.register-product')).toEqual(['staff', 'admin']);
  });
});

describe('ownership', () => {
  it("a customer reaches their own resources only; staff any; system actors any", () => {
    expect(accessScopeOf(customer, 'ordering.read-order')).toEqual({ kind: 'own', userId: 'c-1' });
    expect(mayReach(customer, 'ordering.read-order', 'c-1')).toBe(true);
    expect(mayReach(customer, 'ordering.read-order', 'c-2')).toBe(false);
    expect(mayReach(staff, 'ordering.read-order', 'c-2')).toBe(true);
    expect(mayReach({ system: 'fulfillment' }, 'ordering.cancel-order', 'c-2')).toBe(true);
  });

  it("answers another's resource with the caller's not-found error", () => {
    const notFound = () => new DomainError('not_found', 'order_not_found', 'Order o-1 does not exist');
    expect(() => assertReachable(customer, 'ordering.read-order', 'c-2', notFound)).toThrow(expect.objectContaining({ code: 'order_not_found' }));
    expect(() => assertReachable(customer, 'ordering.read-order', 'c-1', notFound)).not.toThrow();
  });

  it('refuses a caller without the permission (a wiring bug: the guard stops them first)', () => {
    expect(() => accessScopeOf({ userId: 'a-1', roles: ['analyst'] }, 'ordering.read-order')).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
