// Walks every event type: each is declared (with its personal values, or none); a specimen of each
// is searched for keys that look personal (email, name, address, phone...), and every such key must
// sit under a declared personal path of its type, or be listed below as reviewed and not personal.
// So a new event type, or a new field holding an address, cannot slip through undeclared. Then
// every specimen is sealed and opened: no personal value is left in plain, and erasure blanks them.
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ADMIN_ROSTER_EVENT_TYPES, type AdminRosterEvent } from './identity/admin-roster/admin-roster.decider.js';
import { DATA_SUBJECT_EVENT_TYPES, type DataSubjectEvent } from './data-protection/data-subjects.decider.js';
import { FULFILLMENT_EVENT_TYPES, type FulfillmentEvent } from './fulfillment/fulfillment.decider.js';
import { INVENTORY_EVENT_TYPES, type InventoryEvent } from './inventory/inventory.decider.js';
import { ORDER_EVENT_TYPES, type OrderEvent } from './ordering/ordering.decider.js';
import { PAYMENT_EVENT_TYPES, type PaymentEvent } from './payments/payments.decider.js';
import { SHIPPING_EVENT_TYPES, type ShippingEvent } from './shipping/shipping.decider.js';
import { USER_EVENT_TYPES, type UserEvent } from './identity/users.decider.js';
import { PARKED_EVENT_DECISION_TYPES, type ParkedEventDecision } from './subscriptions/parked-events.decider.js';
import { personalData } from './personal-data-declarations.js';
import { PersonalDataCatalogue } from './personal-data/personal-data-catalogue.js';
import { locations } from './personal-data/personal-paths.js';
import { SubjectKeys } from './personal-data/subject-keys.js';
import type { SubjectKey, SubjectKeyStore } from './personal-data/subject-key-store.port.js';
import { AUDIT_READ_RECORDED } from './audit/access-log/audit-read-log.js';
import { ANCHOR_RECORDED } from './audit/anchors/anchor.js';
import { ERASED_ADDRESS } from './decider/personal-data.js';
import * as story from '../test/support/shop-story.js';

type DomainEventUnion = InventoryEvent | OrderEvent | PaymentEvent | ShippingEvent | FulfillmentEvent | UserEvent | AdminRosterEvent | DataSubjectEvent | ParkedEventDecision;
type Specimens = { [Type in DomainEventUnion['type']]: Extract<DomainEventUnion, { type: Type }>['data'] } & Record<typeof AUDIT_READ_RECORDED | typeof ANCHOR_RECORDED, unknown>;

const CUSTOMER = 'c0ffee00-0000-4000-8000-000000000001';
const shipmentCommand = { type: 'CreateShipment' as const, shipmentId: 's-1', orderId: 'o-1', customerId: CUSTOMER, lines: [{ productId: 'p-1', quantity: 1 }], shippingAddress: story.ADDRESS };
/** Any saga step may send CreateShipment, with the address: every step's specimen does. */
const step = { orderId: 'o-1', trigger: { eventId: 'e-1', type: 'PaymentCaptured' }, commands: [{ type: 'ReleaseStock' as const, productId: 'p-1', orderId: 'o-1', quantity: 1 }, shipmentCommand] };

/** One example of every event type's data (a new type does not compile until it has one). */
const SPECIMENS: Specimens = {
  ProductRegistered: { productId: 'p-1', sku: 'MUG', name: 'Enamel mug', price: story.eur(1) },
  StockReceived: { productId: 'p-1', quantity: 1, deliveryReference: 'PO-1' },
  StockAdjusted: { productId: 'p-1', quantityChange: -1, reason: 'broken' },
  PriceChanged: { productId: 'p-1', price: story.eur(1), previousPrice: story.eur(2) },
  StockReserved: story.stockReserved(1, 'o-1').data,
  StockReservationRejected: { productId: 'p-1', orderId: 'o-1', quantity: 2, available: 1 },
  StockReleased: story.stockReleased(1, 'o-1').data,
  ReservedStockShipped: story.reservedStockShipped(1, 'o-1').data,
  OrderPlaced: story.orderPlaced('o-1', CUSTOMER).data,
  OrderConfirmed: { orderId: 'o-1' },
  OrderCancelled: { orderId: 'o-1', reason: 'customer_request', previousStatus: 'placed' },
  OrderShipped: { orderId: 'o-1', shipmentId: 's-1', trackingNumber: 'T-1' },
  OrderDelivered: { orderId: 'o-1', shipmentId: 's-1' },
  PaymentAuthorizationRequested: { paymentId: 'p-1', orderId: 'o-1', amount: story.eur(1) },
  PaymentAuthorized: { paymentId: 'p-1', orderId: 'o-1', amount: story.eur(1), authorizationCode: 'a' },
  PaymentDeclined: { paymentId: 'p-1', orderId: 'o-1', reason: 'card_declined' },
  PaymentCaptured: { paymentId: 'p-1', orderId: 'o-1', amount: story.eur(1), captureId: 'c' },
  PaymentVoided: { paymentId: 'p-1', orderId: 'o-1' },
  PaymentRefunded: { paymentId: 'p-1', orderId: 'o-1', amount: story.eur(1), refundId: 'r' },
  ShipmentCreated: { shipmentId: 's-1', orderId: 'o-1', customerId: CUSTOMER, lines: [{ productId: 'p-1', quantity: 1 }], shippingAddress: story.ADDRESS },
  ShipmentDispatched: { shipmentId: 's-1', orderId: 'o-1', trackingNumber: 'T-1' },
  ShipmentDelivered: { shipmentId: 's-1', orderId: 'o-1' },
  ShipmentCancelled: { shipmentId: 's-1', orderId: 'o-1' },
  FulfillmentStarted: {
    ...step, customerId: CUSTOMER, correlationId: 'k', lines: [{ productId: 'p-1', quantity: 1 }], paymentId: 'p-1', shipmentId: 's-1', amount: story.eur(1), shippingAddress: story.ADDRESS,
  },
  FulfillmentReservationNoted: { ...step, productId: 'p-1', outcome: 'reserved' },
  FulfillmentPaymentNoted: { ...step, outcome: 'captured' },
  FulfillmentOrderNoted: { ...step, outcome: 'confirmed' },
  FulfillmentShipmentNoted: { ...step, outcome: 'created' },
  PaymentDeadlineScheduled: { ...step, dueAt: story.DUE_AT },
  PaymentDeadlineCleared: { ...step, dueAt: story.DUE_AT },
  PaymentDeadlineExpired: { ...step, dueAt: story.DUE_AT },
  FulfillmentCompleted: { ...step, outcome: 'delivered' },
  UserRegistered: { userId: CUSTOMER, email: 'ada@example.com', roles: ['customer'], credentialId: 'cred-1' },
  RoleGranted: { userId: CUSTOMER, role: 'staff' },
  RoleRevoked: { userId: CUSTOMER, role: 'staff' },
  PasswordChanged: { userId: CUSTOMER, credentialId: 'cred-2', changedAt: story.DUE_AT },
  UserDisabled: { userId: CUSTOMER, reason: 'left' },
  AdminAdmitted: { userId: CUSTOMER, userRevision: 1 },
  AdminReleased: { userId: CUSTOMER, userRevision: 2 },
  LegalHoldPlaced: { subjectId: CUSTOMER, reason: 'litigation' },
  LegalHoldLifted: { subjectId: CUSTOMER, reason: 'closed' },
  DataSubjectErased: { subjectId: CUSTOMER, reason: 'art. 17' },
  ParkedEventRetried: { subscriber: 'users@v1', position: '42', streamId: `user-${CUSTOMER}`, revision: 0, eventId: 'e-1', eventType: 'UserRegistered' },
  ParkedEventRetryFailed: { subscriber: 'users@v1', position: '42', streamId: `user-${CUSTOMER}`, revision: 0, eventId: 'e-1', eventType: 'UserRegistered', failure: 'duplicate key' },
  ParkedEventSkipped: { subscriber: 'users@v1', position: '42', streamId: `user-${CUSTOMER}`, revision: 0, eventId: 'e-1', eventType: 'UserRegistered', reason: 'checked by hand' },
  [AUDIT_READ_RECORDED]: { method: 'GET', route: '/v1/audit/verify', params: {}, query: {}, actor: { userId: CUSTOMER, roles: ['auditor'] } },
  [ANCHOR_RECORDED]: { position: '1', streamHeads: { 'order-o-1': { revision: 0, hash: 'h' } }, rootHash: 'r', streamCount: 1, part: 1, parts: 1 },
};

/** Keys that look personal. */
const PERSONAL_LOOKING = /(e-?mail|name|address|phone|street|line1|line2|postal|city|birth|iban|card)/i;
/** Keys that look personal and were reviewed: not a person's data. */
const REVIEWED_NOT_PERSONAL: Record<string, string> = {
  'ProductRegistered.name': 'a product\'s name',
  'OrderPlaced.lines.*.name': 'a product\'s name, copied into the order line',
};

/** The keys of `value` (array elements as *), as dotted paths. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${at}*.`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [`${at}${key}`, ...keyPaths(inner, `${at}${key}.`)]);
}

/** The personal-looking keys of a specimen that no declaration covers. */
function undeclaredPersonalKeys(catalogue: PersonalDataCatalogue, type: string, data: unknown): string[] {
  const declared = Object.keys(catalogue.fieldsOf(type)?.erased ?? {});
  return keyPaths(data)
    .filter((path) => PERSONAL_LOOKING.test(path.split('.').at(-1)!))
    .filter((path) => !declared.some((personal) => path === personal || path.startsWith(`${personal}.`)))
    .filter((path) => !REVIEWED_NOT_PERSONAL[`${type}.${path}`]);
}

/** A key store in memory, for sealing without files (a test double). */
class InMemoryKeyStoreDouble implements SubjectKeyStore {
  readonly keys = new Map<string, SubjectKey>();
  async keyFor(subject: string, _createdAt: string, newKey: Buffer): Promise<SubjectKey> {
    if (!this.keys.has(subject)) this.keys.set(subject, { state: 'active', key: newKey });
    return this.keys.get(subject)!;
  }
  async find(subject: string) {
    return this.keys.get(subject);
  }
  async page(after: string | undefined, limit: number) {
    return [...this.keys].filter(([subject]) => after === undefined || subject > after).sort(([a], [b]) => a.localeCompare(b)).slice(0, limit).map(([subject, key]) => ({ subject, key }));
  }
  async replace(subject: string, expected: Buffer, next: Buffer) {
    const key = this.keys.get(subject);
    if (key?.state !== 'active' || !key.key.equals(expected)) return false;
    this.keys.set(subject, { state: 'active', key: next });
    return true;
  }
  async destroy(subject: string, erasedAt: string) {
    this.keys.set(subject, { state: 'erased', erasedAt });
  }
  async close() {}
}

describe('personal data declarations', () => {
  it('cover every event type of every context, and only those', () => {
    // Each context's exhaustive list of its event types, and the audit's two.
    const recorded = [
      ...INVENTORY_EVENT_TYPES, ...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES, ...SHIPPING_EVENT_TYPES, ...FULFILLMENT_EVENT_TYPES,
      ...USER_EVENT_TYPES, ...ADMIN_ROSTER_EVENT_TYPES, ...DATA_SUBJECT_EVENT_TYPES, ...PARKED_EVENT_DECISION_TYPES, AUDIT_READ_RECORDED, ANCHOR_RECORDED,
    ].sort();
    expect([...personalData.types].sort()).toEqual(recorded);
    expect(Object.keys(SPECIMENS).sort()).toEqual(recorded);
  });

  it.each(Object.entries(SPECIMENS))('%s: every personal-looking field is declared personal (or reviewed), every declared path exists', (type, data) => {
    expect(undeclaredPersonalKeys(personalData, type, data)).toEqual([]);
    for (const path of Object.keys(personalData.fieldsOf(type)?.erased ?? {})) expect(locations(data, path).length).toBeGreaterThan(0);
  });

  it('catch an event type whose address is not declared', () => {
    const careless = new PersonalDataCatalogue([{ ParcelRedirected: null }]);
    expect(undeclaredPersonalKeys(careless, 'ParcelRedirected', { parcelId: 'p', newAddress: { street: 'x', city: 'y' } })).toEqual(['newAddress', 'newAddress.street', 'newAddress.city']);
  });

  it.each(Object.entries(SPECIMENS).filter(([type]) => personalData.fieldsOf(type)))('%s: sealed, holds no personal value in plain; opened, reads as written; erased, reads as erased', async (type, data) => {
    const store = new InMemoryKeyStoreDouble();
    const keys = new SubjectKeys(store, { now: () => new Date(story.DUE_AT) });
    const event = { eventId: randomUUID(), type, data };
    const sealed = await personalData.seal(event, keys);
    const text = JSON.stringify(sealed.data);
    for (const plain of [story.ADDRESS.line1, story.ADDRESS.name, 'ada@example.com']) expect(text).not.toContain(plain);
    expect((await personalData.open(sealed, keys)).data).toEqual(data);
    await keys.destroy(CUSTOMER);
    const erased = JSON.stringify((await personalData.open(sealed, keys)).data);
    expect(erased).not.toContain('$sealed');
    for (const plain of [story.ADDRESS.line1, 'ada@example.com']) expect(erased).not.toContain(plain);
    if (text.includes('shippingAddress')) expect(erased).toContain(JSON.stringify(ERASED_ADDRESS));
  });
});
