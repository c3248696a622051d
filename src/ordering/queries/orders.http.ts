import { Controller, Get, Header, Param, Query as QueryParams, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { customerOrdersProjection } from '../../../projections/customer-orders/customer-orders.projection.js';
import { orderDetailsProjection } from '../../../projections/order-details/order-details.projection.js';
import { uuidParam } from '../../http/ids.js';
import { etagOf } from '../../http/if-match.js';
import { ReadsFrom } from '../../http/min-position.interceptor.js';
import { PageQueryDto, type Page } from '../../http/pagination.js';
import { Permission, RequestScope } from '../../access/access.decorators.js';
import type { AccessScope } from '../../access/ownership.js';
import { GetOrderQuery, ListCustomerOrdersQuery, ORDER_LIST_STATUSES, type OrderListStatus, type OrderSummary, type OrderView } from './order-queries.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { OrderDto, OrderSummaryDto } from './order-views.dto.js';

export class OrderListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_LIST_STATUSES, description: 'Only orders in this status; awaiting-dispatch: confirmed (paid), not yet dispatched' })
  @IsOptional()
  @IsIn(ORDER_LIST_STATUSES)
  status?: OrderListStatus;
}

@ApiTags('orders')
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly queries: QueryBus) {}

  /** The order's status and its timeline: every step, when it happened and what caused it. */
  @Operation({ summary: 'Read an order: status, lines, payment, shipment and timeline', answer: OrderDto, headers: ['ETag'], problems: { 404: ['order_not_found'] } })
  @Get(':id')
  @Permission('ordering.read-order')
  @Header('Cache-Control', 'no-store')
  @ReadsFrom(orderDetailsProjection.name)
  async get(@Param('id', uuidParam()) orderId: string, @RequestScope() scope: AccessScope, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrderView> {
    const order = await this.queries.execute(new GetOrderQuery(orderId, scope.kind === 'own' ? scope.userId : undefined));
    reply.header('ETag', etagOf(order.revision));
    return order;
  }

  /** The caller's own orders, newest first (staff: everyone's), optionally in one status (staff's work to do: ?status=awaiting-dispatch). */
  @Operation({ summary: "List orders, newest first (a customer's own; staff: everyone's), optionally in one status", answer: { page: OrderSummaryDto }, problems: { 400: ['invalid_cursor'] } })
  @Get()
  @Permission('ordering.list-orders')
  @Header('Cache-Control', 'no-store')
  @ReadsFrom(customerOrdersProjection.name)
  list(@QueryParams() query: OrderListQueryDto, @RequestScope() scope: AccessScope): Promise<Page<OrderSummary>> {
    return this.queries.execute(new ListCustomerOrdersQuery(scope.kind === 'own' ? scope.userId : undefined, query.limit, query.cursor, query.status));
  }
}
