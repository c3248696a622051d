// Part of the composition root: every event type's personal data, as each context declared it next
// to its events, handed to the event store (sealed per data subject on the way in, opened on the way
// out: src/personal-data), and the read models that hold personal data (rebuilt after an erasure).
import { allProjections } from '../projections/index.js';
import { auditPersonalData } from './audit/audit.module.js';
import { DATA_SUBJECT_PERSONAL_DATA } from './data-protection/data-subjects.decider.js';
import { FULFILLMENT_PERSONAL_DATA } from './fulfillment/fulfillment.decider.js';
import { ADMIN_ROSTER_PERSONAL_DATA } from './identity/admin-roster/admin-roster.decider.js';
import { USER_PERSONAL_DATA } from './identity/users.decider.js';
import { INVENTORY_PERSONAL_DATA } from './inventory/inventory.decider.js';
import { ORDER_PERSONAL_DATA } from './ordering/ordering.decider.js';
import { PAYMENT_PERSONAL_DATA } from './payments/payments.decider.js';
import { PersonalDataCatalogue } from './personal-data/personal-data-catalogue.js';
import { SHIPPING_PERSONAL_DATA } from './shipping/shipping.decider.js';
import { PARKED_EVENT_PERSONAL_DATA } from './subscriptions/parked-events.decider.js';

export const personalData = new PersonalDataCatalogue([
  INVENTORY_PERSONAL_DATA, ORDER_PERSONAL_DATA, PAYMENT_PERSONAL_DATA, SHIPPING_PERSONAL_DATA, FULFILLMENT_PERSONAL_DATA,
  USER_PERSONAL_DATA, ADMIN_ROSTER_PERSONAL_DATA, DATA_SUBJECT_PERSONAL_DATA, PARKED_EVENT_PERSONAL_DATA, auditPersonalData,
]);

/** A read model that folds any event type with personal data may hold some of it. */
export const projectionsHoldingPersonalData = allProjections
  .filter((projection) => projection.eventTypes.some((type) => personalData.fieldsOf(type)))
  .map((projection) => projection.name);
