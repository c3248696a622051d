// The answers of the inventory's queries, as the OpenAPI document describes them (`implements`
// keeps each in step with the view the query handler returns).
import { ApiProperty } from '@nestjs/swagger';
import { MoneyDto } from '../../money/money.dto.js';
import type { ProductSummary, ProductView } from './product-queries.js';

export class ProductSummaryDto implements ProductSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'MUG-01' }) sku!: string;
  @ApiProperty({ example: 'Enamel mug' }) name!: string;
  @ApiProperty({ type: MoneyDto }) price!: MoneyDto;
  @ApiProperty({ description: 'On hand minus reserved', example: 40 }) available!: number;
}

export class ProductDto extends ProductSummaryDto implements ProductView {
  @ApiProperty({ example: 42 }) onHand!: number;
  @ApiProperty({ description: 'Held for orders not yet shipped', example: 2 }) reserved!: number;
  @ApiProperty({ description: 'Revision of the product stream (the ETag)', example: 3 }) revision!: number;
}
