// Query handlers for products: they read the projections, never the event store.
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { productDetailsProjection, type ProductDetails } from '../../../projections/product-details/product-details.projection.js';
import { productListProjection, type ProductListItem } from '../../../projections/product-list/product-list.projection.js';
import { findPage } from '../../http/find-page.js';
import type { Page } from '../../http/pagination.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import type { Money } from '../../money/money.js';
import { DomainError } from '../../decider/domain-error.js';

export interface ProductView {
  id: string;
  sku: string;
  name: string;
  price: Money;
  onHand: number;
  reserved: number;
  available: number;
  revision: number;
}

export type ProductSummary = Pick<ProductView, 'id' | 'sku' | 'name' | 'price' | 'available'>;

export class GetProductQuery extends Query<ProductView> {
  constructor(readonly productId: string) {
    super();
  }
}

export class ListProductsQuery extends Query<Page<ProductSummary>> {
  constructor(readonly limit: number, readonly cursor?: string) {
    super();
  }
}

@QueryHandler(GetProductQuery)
export class GetProductHandler implements IQueryHandler<GetProductQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ productId }: GetProductQuery): Promise<ProductView> {
    const doc = await this.readStore.findById<ProductDetails>(productDetailsProjection.collection.name, productId);
    if (!doc) throw new DomainError('not_found', 'product_not_found', `Product ${productId} does not exist`);
    const { _id, _position, ...view } = doc;
    return { id: _id, ...view };
  }
}

@QueryHandler(ListProductsQuery)
export class ListProductsHandler implements IQueryHandler<ListProductsQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ limit, cursor }: ListProductsQuery): Promise<Page<ProductSummary>> {
    const page = await findPage<ProductListItem, 'sku'>(this.readStore, productListProjection.collection.name, {}, { field: 'sku', order: 'ascending', cursorKey: 'sku' }, { limit, cursor });
    return { ...page, items: page.items.map(({ _id, sku, name, price, available }) => ({ id: _id, sku, name, price, available })) };
  }
}
