// The answers of the order queries, as the OpenAPI document describes them (`implements` keeps
// each in step with the view the query handler returns).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TimelineEntry } from '../../../projections/order-details/order-details.projection.js';
import { MoneyDto } from '../../money/money.dto.js';
import type { CancellationReason, OrderStatus } from '../ordering.decider.js';
import { ShippingAddressDto } from '../place-order/place-order.http.js';
import type { OrderSummary, OrderView } from './order-queries.js';

const ORDER_STATUSES: OrderStatus[] = ['placed', 'confirmed', 'shipped', 'delivered', 'cancelled'];
const CANCELLATION_REASONS: CancellationReason[] = ['out_of_stock', 'payment_declined', 'payment_timeout', 'customer_request'];

export class OrderSummaryDto implements OrderSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: OrderStatus;
  @ApiProperty({ format: 'uuid', description: 'The shipment that dispatch and delivery take, once the order is confirmed' }) shipmentId!: string;
  @ApiProperty({ type: MoneyDto }) total!: MoneyDto;
  @ApiProperty({ example: 2 }) lineCount!: number;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
}

export class OrderLineViewDto {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ example: 'MUG-01' }) sku!: string;
  @ApiProperty({ example: 'Enamel mug' }) name!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
  @ApiProperty({ type: MoneyDto, description: 'The catalogue price when the order was placed' }) unitPrice!: MoneyDto;
  @ApiProperty({ enum: ['pending', 'reserved', 'rejected', 'released', 'shipped'] }) reservation!: 'pending' | 'reserved' | 'rejected' | 'released' | 'shipped';
}

export class OrderPaymentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['none', 'requested', 'authorized', 'declined', 'captured', 'voided', 'refunded'] })
  status!: 'none' | 'requested' | 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';
  @ApiPropertyOptional() declineReason?: string;
}

export class OrderShipmentDto {
  @ApiProperty({ format: 'uuid', description: 'Dispatch and deliver it through /v1/shipments/{id}' }) id!: string;
  @ApiProperty({ enum: ['none', 'created', 'dispatched', 'delivered', 'cancelled'] }) status!: 'none' | 'created' | 'dispatched' | 'delivered' | 'cancelled';
  @ApiPropertyOptional() trackingNumber?: string;
}

export class TimelineEntryDto implements TimelineEntry {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'OrderConfirmed', description: 'The event type' }) event!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ pattern: '^[0-9]+$' }) position!: string;
  @ApiProperty({ description: 'A request id or the id of the event this step answered' }) causationId!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) detail?: Record<string, unknown>;
}

export class OrderDto implements OrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: OrderStatus;
  @ApiPropertyOptional({ enum: CANCELLATION_REASONS }) cancellationReason?: CancellationReason;
  @ApiProperty({ type: [OrderLineViewDto] }) lines!: OrderLineViewDto[];
  @ApiProperty({ type: MoneyDto }) total!: MoneyDto;
  @ApiProperty({ type: ShippingAddressDto }) shippingAddress!: ShippingAddressDto;
  @ApiProperty({ type: OrderPaymentDto }) payment!: OrderPaymentDto;
  @ApiProperty({ type: OrderShipmentDto }) shipment!: OrderShipmentDto;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: "The correlation of the order's events (GET /v1/audit/correlations/{id})" }) correlationId!: string;
  @ApiProperty({ description: 'Revision of the order stream (the ETag)' }) revision!: number;
  @ApiProperty({ type: [TimelineEntryDto], description: 'Every step, when it happened and what caused it' }) timeline!: TimelineEntryDto[];
}
