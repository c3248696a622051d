import { Controller, Get, Header, Param, Query as QueryParams, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { productDetailsProjection } from '../../../projections/product-details/product-details.projection.js';
import { productListProjection } from '../../../projections/product-list/product-list.projection.js';
import { uuidParam } from '../../http/ids.js';
import { etagOf } from '../../http/if-match.js';
import { ReadsFrom } from '../../http/min-position.interceptor.js';
import { PageQueryDto, type Page } from '../../http/pagination.js';
import { GetProductQuery, ListProductsQuery, type ProductSummary, type ProductView } from './product-queries.js';
import { Permission } from '../../access/access.decorators.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { ProductDto, ProductSummaryDto } from './product-views.dto.js';

@ApiTags('inventory')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly queries: QueryBus) {}

  @Operation({ summary: 'Read a product with its stock', answer: ProductDto, headers: ['ETag'], problems: { 404: ['product_not_found'] } })
  @Get(':id')
  @Permission('inventory.read-products')
  @ReadsFrom(productDetailsProjection.name)
  async get(@Param('id', uuidParam()) productId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProductView> {
    const product = await this.queries.execute(new GetProductQuery(productId));
    reply.header('ETag', etagOf(product.revision));
    return product;
  }

  @Operation({ summary: 'List products', answer: { page: ProductSummaryDto }, problems: { 400: ['invalid_cursor'] } })
  @Get()
  @Permission('inventory.read-products')
  @Header('Cache-Control', 'no-store')
  @ReadsFrom(productListProjection.name)
  list(@QueryParams() page: PageQueryDto): Promise<Page<ProductSummary>> {
    return this.queries.execute(new ListProductsQuery(page.limit, page.cursor));
  }
}
