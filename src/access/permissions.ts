// THE permission table: every command and query the HTTP API offers, and the roles allowed to
// use it. A route declares its permission with @Permission('<name>') (access/access.decorators.ts);
// a route that declares nothing is refused to everyone, and the attack suite fails on it.
//
// The scope says whose resources a role reaches through the permission:
//   'any' - every resource of the kind;
//   'own' - only resources the user owns (a customer's own orders). Anything else answers 404,
//           exactly as for a resource that does not exist, so ids of others cannot be probed.
// Roles: customer (shops), staff (runs the warehouse and customer service), analyst (reads and
// replays the log), auditor (inspects history and access), admin (manages users and operations).
import type { Role } from './roles.js';

export type Scope = 'any' | 'own';
type Grants = Readonly<Partial<Record<Role, Scope>>>;

const ALL_ROLES: Grants = { customer: 'any', staff: 'any', analyst: 'any', auditor: 'any', admin: 'any' };
const STAFF: Grants = { staff: 'any', admin: 'any' };
const ADMIN: Grants = { admin: 'any' };

export const PERMISSIONS = {
  // inventory
  'inventory.register-product': STAFF,
  'inventory.receive-stock': STAFF,
  'inventory.adjust-stock': STAFF,
  'inventory.change-price': STAFF,
  // The catalogue (names, prices, availability) is readable by every signed-in user.
  'inventory.read-products': ALL_ROLES,
  // Stock balance per product (received, adjusted, reserved, available, shipped): warehouse work.
  'inventory.read-stock-levels': STAFF,

  // ordering and shipping: customers reach their own orders only (another's answers 404)
  'ordering.place-order': { customer: 'own' },
  'ordering.read-order': { customer: 'own', staff: 'any', admin: 'any' },
  'ordering.list-orders': { customer: 'own', staff: 'any', admin: 'any' },
  'ordering.cancel-order': { customer: 'own', staff: 'any', admin: 'any' },
  'shipping.dispatch-order': STAFF,
  'shipping.deliver-order': STAFF,

  // identity: one's own account
  'identity.read-own-account': ALL_ROLES,
  'identity.change-own-password': ALL_ROLES,
  // identity: managing users (admin only; every change is an event on the user's stream)
  'identity.create-user': ADMIN,
  'identity.list-users': ADMIN,
  'identity.read-user': ADMIN,
  'identity.grant-role': ADMIN,
  'identity.revoke-role': ADMIN,
  'identity.disable-user': ADMIN,
  // Which route needs which permission, and which roles hold it: for admins and auditors.
  'identity.read-access-control': { admin: 'any', auditor: 'any' },

  // data protection: erasing a data subject (their key destroyed), legal holds, and where a subject stands
  'data-protection.erase-subject': ADMIN,
  'data-protection.hold-subject': ADMIN,
  'data-protection.read-subject': ADMIN,
  'data-protection.read-log': { auditor: 'any', admin: 'any' },

  // audit: who read audit data (admins), and the auditors' views
  'audit.read-access-log': ADMIN,
  // History, state at a moment, diffs and causation trees; chain verification and anchors.
  'audit.read-history': { auditor: 'any', admin: 'any' },
  'audit.verify-log': { auditor: 'any', admin: 'any' },
  'audit.record-anchor': { auditor: 'any', admin: 'any' },
  // Signed exports of ranges of the log: auditors keep evidence, analysts take data out.
  'audit.export-events': { auditor: 'any', analyst: 'any', admin: 'any' },

  // analytics: projections' status, blue/green rebuilds, replays into scratch projections
  'analytics.read-projections': { analyst: 'any', admin: 'any' },
  'analytics.rebuild-projection': { analyst: 'any', admin: 'any' },
  'analytics.replay': { analyst: 'any', admin: 'any' },

  // Reading the log itself: history, state, diffs, causation trees, exports and replays serve a
  // stream's events (or documents folded from them) only to roles holding the permission of its
  // kind of data, on top of the route's own permission. Each context declares its streams and
  // event types with one of these (src/access/log-read-policy.ts; app.module.ts lists them).
  // The catalogue and stock movements: business data, for analysts too.
  'inventory.read-log': { analyst: 'any', auditor: 'any', admin: 'any' },
  // Orders, payments, shipments and the fulfillment saga hold customers' addresses and payment
  // tokens; accounts hold emails and roles (which GET /v1/admin/users refuses analysts).
  'ordering.read-log': { auditor: 'any', admin: 'any' },
  'payments.read-log': { auditor: 'any', admin: 'any' },
  'shipping.read-log': { auditor: 'any', admin: 'any' },
  'fulfillment.read-log': { auditor: 'any', admin: 'any' },
  'identity.read-log': { auditor: 'any', admin: 'any' },

  // operations
  'operations.read-subscriptions': ADMIN,
  'operations.read-parked-events': ADMIN,
  'operations.resolve-parked-events': ADMIN,
  // Admins' retries and skips of parked events, as recorded in the log: auditors read those decisions.
  'operations.read-log': { auditor: 'any', admin: 'any' },
  'operations.backup': ADMIN,
  // The details of /health (adapters, targets, store errors, subscribers); anyone gets the status.
  'operations.read-health-details': ADMIN,
} as const satisfies Record<string, Grants>;

export type PermissionName = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as PermissionName[];

export const isPermissionName = (value: unknown): value is PermissionName => typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);

/** The roles a permission is granted to. */
export function rolesFor(permission: PermissionName): Role[] {
  return Object.keys(PERMISSIONS[permission]) as Role[];
}

/** The widest scope any of `roles` has through `permission`; undefined: none of them holds it. */
export function scopeFor(roles: readonly string[], permission: PermissionName): Scope | undefined {
  const grants: Grants = PERMISSIONS[permission];
  let best: Scope | undefined;
  for (const role of roles) {
    const scope = grants[role as Role];
    if (scope === 'any') return 'any';
    if (scope === 'own') best = 'own';
  }
  return best;
}
