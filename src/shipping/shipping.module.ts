import { Module } from '@nestjs/common';
import { DeliverShipmentController } from './deliver-shipment/deliver-shipment.http.js';
import { DispatchShipmentHandler } from './dispatch-shipment/dispatch-shipment.command.js';
import { DispatchShipmentController } from './dispatch-shipment/dispatch-shipment.http.js';
import { ShipmentCommandHandler } from './shipment-command.js';
import { ShipmentCorrelation } from './shipment-correlation.js';
import type { LogData } from '../access/log-read-policy.js';
import { SHIPPING_EVENT_TYPES, shipmentStreamId } from './shipping.decider.js';

/** Shipments in the log: shipping addresses (src/access/log-read-policy.ts). */
export const shippingLogData: LogData = { kind: 'shipments', streamPrefixes: [shipmentStreamId('')], eventTypes: SHIPPING_EVENT_TYPES, permission: 'shipping.read-log' };

@Module({
  controllers: [DispatchShipmentController, DeliverShipmentController],
  providers: [ShipmentCommandHandler, DispatchShipmentHandler, ShipmentCorrelation],
})
export class ShippingModule {}
