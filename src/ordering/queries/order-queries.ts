// Query handlers for orders: they read the projections, never the event store. A customer sees
// only their own orders (someone else's is "not found"); staff see every order.
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { customerOrdersProjection, type CustomerOrder } from '../../../projections/customer-orders/customer-orders.projection.js';
import { orderDetailsProjection, type OrderDetails } from '../../../projections/order-details/order-details.projection.js';
import { DomainError } from '../../decider/domain-error.js';
import { findPage } from '../../http/find-page.js';
import type { Page } from '../../http/pagination.js';
import { parsePosition } from '../../http/position.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import type { OrderStatus } from '../ordering.decider.js';

// Pick, not Omit: documents have an index signature, which Omit would keep alone.
export type OrderView = { id: string } & Pick<
  OrderDetails,
  'customerId' | 'status' | 'cancellationReason' | 'lines' | 'total' | 'shippingAddress' | 'payment' | 'shipment' | 'placedAt' | 'updatedAt' | 'correlationId' | 'revision' | 'timeline'
>;
export type OrderSummary = { id: string } & Pick<CustomerOrder, 'customerId' | 'status' | 'shipmentId' | 'total' | 'lineCount' | 'placedAt'>;

/** What GET /v1/orders?status= accepts: an order status, or a name for staff's work to do. */
export const ORDER_LIST_STATUSES = ['placed', 'confirmed', 'awaiting-dispatch', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderListStatus = (typeof ORDER_LIST_STATUSES)[number];

/** Awaiting dispatch: confirmed (paid), not yet dispatched; the only status dispatch accepts. */
const statusOf = (status: OrderListStatus): OrderStatus => (status === 'awaiting-dispatch' ? 'confirmed' : status);

/** customerId: whose order it must be; undefined: anyone's (staff). */
export class GetOrderQuery extends Query<OrderView> {
  constructor(readonly orderId: string, readonly customerId: string | undefined) {
    super();
  }
}

export class ListCustomerOrdersQuery extends Query<Page<OrderSummary>> {
  /** customerId undefined: every customer's orders (staff); status undefined: in any status. */
  constructor(readonly customerId: string | undefined, readonly limit: number, readonly cursor?: string, readonly status?: OrderListStatus) {
    super();
  }
}

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ orderId, customerId }: GetOrderQuery): Promise<OrderView> {
    const doc = await this.readStore.findById<OrderDetails>(orderDetailsProjection.collection.name, orderId);
    if (!doc || (customerId !== undefined && doc.customerId !== customerId)) {
      throw new DomainError('not_found', 'order_not_found', `Order ${orderId} does not exist`);
    }
    const { _id, _position, ...view } = doc;
    return { id: _id, ...(view as Omit<OrderView, 'id'>) };
  }
}

@QueryHandler(ListCustomerOrdersQuery)
export class ListCustomerOrdersHandler implements IQueryHandler<ListCustomerOrdersQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ customerId, limit, cursor, status }: ListCustomerOrdersQuery): Promise<Page<OrderSummary>> {
    const page = await findPage<CustomerOrder, 'placedPosition'>(
      this.readStore,
      customerOrdersProjection.collection.name,
      { ...(customerId === undefined ? {} : { customerId }), ...(status === undefined ? {} : { status: statusOf(status) }) },
      // Newest first; a cursor whose position is not one the read model can hold is refused (400).
      { field: 'placedPosition', order: 'descending', cursorKey: 'p', parse: (text) => {
        const position = parsePosition(text);
        return position !== undefined && position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : undefined;
      } },
      { limit, cursor },
    );
    return {
      ...page,
      items: page.items.map(({ _id, customerId: owner, status: current, shipmentId, total, lineCount, placedAt }) => ({ id: _id, customerId: owner, status: current, shipmentId, total, lineCount, placedAt })),
    };
  }
}
