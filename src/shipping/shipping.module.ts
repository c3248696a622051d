import { Module } from '@nestjs/common';
import { DeliverShipmentController } from './deliver-shipment/deliver-shipment.http.js';
import { DispatchShipmentHandler } from './dispatch-shipment/dispatch-shipment.command.js';
import { DispatchShipmentController } from './dispatch-shipment/dispatch-shipment.http.js';
import { ShipmentCommandHandler } from './shipment-command.js';

@Module({
  controllers: [DispatchShipmentController, DeliverShipmentController],
  providers: [ShipmentCommandHandler, DispatchShipmentHandler],
})
export class ShippingModule {}
