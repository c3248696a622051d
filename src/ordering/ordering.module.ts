import { Module } from '@nestjs/common';
import { CancelOrderController } from './cancel-order/cancel-order.http.js';
import { OrderCommandHandler } from './order-command.js';
import { PlaceOrderHandler } from './place-order/place-order.command.js';
import { PlaceOrderController } from './place-order/place-order.http.js';
import { GetOrderHandler, ListCustomerOrdersHandler } from './queries/order-queries.js';
import { OrdersController } from './queries/orders.http.js';

@Module({
  controllers: [PlaceOrderController, CancelOrderController, OrdersController],
  providers: [PlaceOrderHandler, OrderCommandHandler, GetOrderHandler, ListCustomerOrdersHandler],
})
export class OrderingModule {}
