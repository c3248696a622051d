// GET /v1/stock-levels/{productId}: a product's whole stock balance for the warehouse, from the
// stock-levels read model (available + reserved + shipped = received + adjusted).
import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { stockLevelsProjection, type StockLevel } from '../../../projections/stock-levels/stock-levels.projection.js';
import { DomainError } from '../../decider/domain-error.js';
import { uuidParam } from '../../http/ids.js';
import { ReadsFrom } from '../../http/min-position.interceptor.js';
import { Permission } from '../../access/access.decorators.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export type StockLevelView = { productId: string } & Pick<StockLevel, 'sku' | 'received' | 'adjusted' | 'onHand' | 'reserved' | 'available' | 'shipped'>;

export class StockLevelDto implements StockLevelView {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ example: 'MUG-01' }) sku!: string;
  @ApiProperty({ description: 'Total received', example: 50 }) received!: number;
  @ApiProperty({ description: 'Net adjustments (counts, damage)', example: -2 }) adjusted!: number;
  @ApiProperty({ example: 42 }) onHand!: number;
  @ApiProperty({ example: 2 }) reserved!: number;
  @ApiProperty({ example: 40 }) available!: number;
  @ApiProperty({ example: 6 }) shipped!: number;
}

@ApiTags('inventory')
@Controller('v1/stock-levels')
export class StockLevelsController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Operation({ summary: "Read a product's whole stock balance (warehouse)", answer: StockLevelDto, problems: { 404: ['product_not_found'] } })
  @Get(':productId')
  @Permission('inventory.read-stock-levels')
  @Header('Cache-Control', 'no-store')
  @ReadsFrom(stockLevelsProjection.name)
  async get(@Param('productId', uuidParam()) productId: string): Promise<StockLevelView> {
    const doc = await this.readStore.findById<StockLevel>(stockLevelsProjection.collection.name, productId);
    if (!doc) throw new DomainError('not_found', 'product_not_found', `Product ${productId} does not exist`);
    const { sku, received, adjusted, onHand, reserved, available, shipped } = doc;
    return { productId, sku, received, adjusted, onHand, reserved, available, shipped };
  }
}
