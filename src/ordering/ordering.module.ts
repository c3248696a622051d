import { Module } from '@nestjs/common';
import { CancelOrderController } from './cancel-order/cancel-order.http.js';
import { OrderCommandHandler } from './order-command.js';
import { PlaceOrderHandler } from './place-order/place-order.command.js';
import { PlaceOrderController } from './place-order/place-order.http.js';
import { GetOrderHandler, ListCustomerOrdersHandler } from './queries/order-queries.js';
import { OrdersController } from './queries/orders.http.js';
import type { LogData } from '../access/log-read-policy.js';
import { ORDER_EVENT_TYPES, orderStreamId } from './ordering.decider.js';
import { PaymentsModule } from '../payments/payments.module.js';

/** Orders in the log: customers and addresses (src/access/log-read-policy.ts). */
export const orderingLogData: LogData = { kind: 'orders', streamPrefixes: [orderStreamId('')], eventTypes: ORDER_EVENT_TYPES, permission: 'ordering.read-log' };

@Module({
  imports: [PaymentsModule], // PaymentTokens: placing an order holds its token
  controllers: [PlaceOrderController, CancelOrderController, OrdersController],
  providers: [PlaceOrderHandler, OrderCommandHandler, GetOrderHandler, ListCustomerOrdersHandler],
})
export class OrderingModule {}
