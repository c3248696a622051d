// Shipping: the parcel of one order, from creation to dispatch (with a tracking number) and
// delivery, or cancelled before it leaves. Pure: events, commands, decide, evolve.
//
// Invariants: a shipment is dispatched at most once, with one tracking number; a cancelled
// shipment is never dispatched; a dispatched one is never cancelled; delivered only after dispatch.
import { eventTypes, unreachable, type Decider, type DomainEvent } from '../decider/decider.js';
import { DomainError } from '../decider/domain-error.js';
import { ERASED_ADDRESS, type PersonalDataOf } from '../decider/personal-data.js';

export const TRACKING_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export interface ShipmentLine {
  productId: string;
  quantity: number;
}

export interface ShipmentAddress {
  name: string;
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}

// ---- events ----
/** customerId: whose address it is (the data subject); absent in shipments created before personal data was sealed. */
export type ShipmentCreated = DomainEvent<'ShipmentCreated', { shipmentId: string; orderId: string; customerId?: string; lines: ShipmentLine[]; shippingAddress: ShipmentAddress }>;
export type ShipmentDispatched = DomainEvent<'ShipmentDispatched', { shipmentId: string; orderId: string; trackingNumber: string }>;
export type ShipmentDelivered = DomainEvent<'ShipmentDelivered', { shipmentId: string; orderId: string }>;
export type ShipmentCancelled = DomainEvent<'ShipmentCancelled', { shipmentId: string; orderId: string }>;
export type ShippingEvent = ShipmentCreated | ShipmentDispatched | ShipmentDelivered | ShipmentCancelled;

export const SHIPPING_EVENT_TYPES = eventTypes<ShippingEvent>({ ShipmentCreated: true, ShipmentDispatched: true, ShipmentDelivered: true, ShipmentCancelled: true });

/** The customer's address, sealed under the customer's key (src/personal-data). */
export const SHIPPING_PERSONAL_DATA: PersonalDataOf<ShippingEvent> = {
  ShipmentCreated: { subject: (data) => data.customerId, erased: { shippingAddress: () => ERASED_ADDRESS } },
  ShipmentDispatched: null,
  ShipmentDelivered: null,
  ShipmentCancelled: null,
};

// ---- commands ----
export type CreateShipment = { type: 'CreateShipment'; shipmentId: string; orderId: string; customerId: string; lines: ShipmentLine[]; shippingAddress: ShipmentAddress };
export type DispatchShipment = { type: 'DispatchShipment'; shipmentId: string; trackingNumber: string };
export type DeliverShipment = { type: 'DeliverShipment'; shipmentId: string };
export type CancelShipment = { type: 'CancelShipment'; shipmentId: string };
export type ShippingCommand = CreateShipment | DispatchShipment | DeliverShipment | CancelShipment;

// ---- state ----
export type ShipmentStatus = 'created' | 'dispatched' | 'delivered' | 'cancelled';

export type ShipmentState =
  | { status: 'none' }
  | { status: ShipmentStatus; shipmentId: string; orderId: string; trackingNumber?: string };

const initialState: ShipmentState = { status: 'none' };

function existing(state: ShipmentState, shipmentId: string) {
  if (state.status === 'none') throw new DomainError('not_found', 'shipment_not_found', `Shipment ${shipmentId} does not exist`);
  return state;
}

function decide(command: ShippingCommand, state: ShipmentState): ShippingEvent[] {
  switch (command.type) {
    case 'CreateShipment': {
      if (state.status !== 'none') return []; // one shipment per id: a repeat creates nothing
      if (command.lines.length === 0) throw new DomainError('invalid', 'empty_shipment', 'A shipment carries at least one line');
      const { shipmentId, orderId, customerId, lines, shippingAddress } = command;
      return [{ type: 'ShipmentCreated', data: { shipmentId, orderId, customerId, lines, shippingAddress } }];
    }
    case 'DispatchShipment': {
      const shipment = existing(state, command.shipmentId);
      const trackingNumber = command.trackingNumber.trim();
      if (!TRACKING_NUMBER_PATTERN.test(trackingNumber)) {
        throw new DomainError('invalid', 'invalid_tracking_number', 'trackingNumber must be 1-64 letters, digits or dashes');
      }
      if (shipment.status === 'cancelled') throw new DomainError('conflict', 'shipment_cancelled', `Shipment ${command.shipmentId} is cancelled`);
      if (shipment.status !== 'created') {
        if (shipment.trackingNumber === trackingNumber) return [];
        throw new DomainError('conflict', 'shipment_already_dispatched', `Shipment ${command.shipmentId} was dispatched with another tracking number`);
      }
      return [{ type: 'ShipmentDispatched', data: { shipmentId: shipment.shipmentId, orderId: shipment.orderId, trackingNumber } }];
    }
    case 'DeliverShipment': {
      const shipment = existing(state, command.shipmentId);
      if (shipment.status === 'delivered') return [];
      if (shipment.status === 'cancelled') throw new DomainError('conflict', 'shipment_cancelled', `Shipment ${command.shipmentId} is cancelled`);
      if (shipment.status !== 'dispatched') throw new DomainError('conflict', 'shipment_not_dispatched', `Shipment ${command.shipmentId} has not been dispatched`);
      return [{ type: 'ShipmentDelivered', data: { shipmentId: shipment.shipmentId, orderId: shipment.orderId } }];
    }
    case 'CancelShipment': {
      const shipment = existing(state, command.shipmentId);
      if (shipment.status === 'cancelled') return [];
      if (shipment.status !== 'created') throw new DomainError('conflict', 'shipment_already_dispatched', `Shipment ${command.shipmentId} has left the warehouse`);
      return [{ type: 'ShipmentCancelled', data: { shipmentId: shipment.shipmentId, orderId: shipment.orderId } }];
    }
    default:
      return unreachable(command);
  }
}

function evolve(state: ShipmentState, event: ShippingEvent): ShipmentState {
  if (event.type === 'ShipmentCreated') return { status: 'created', shipmentId: event.data.shipmentId, orderId: event.data.orderId };
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ShipmentDispatched':
      return { ...state, status: 'dispatched', trackingNumber: event.data.trackingNumber };
    case 'ShipmentDelivered':
      return { ...state, status: 'delivered' };
    case 'ShipmentCancelled':
      return { ...state, status: 'cancelled' };
    default:
      return unreachable(event);
  }
}

export const shippingDecider: Decider<ShippingCommand, ShippingEvent, ShipmentState> = { initialState, decide, evolve };

export const shipmentStreamId = (shipmentId: string) => `shipment-${shipmentId}`;
