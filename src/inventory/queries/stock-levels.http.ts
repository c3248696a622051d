// GET /v1/stock-levels/{productId}: a product's whole stock balance for the warehouse, from the
// stock-levels read model (available + reserved + shipped = received + adjusted).
import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { stockLevelsProjection, type StockLevel } from '../../../projections/stock-levels/stock-levels.projection.js';
import { DomainError } from '../../decider/domain-error.js';
import { uuidParam } from '../../http/ids.js';
import { ReadsFrom } from '../../http/min-position.interceptor.js';
import { Permission } from '../../access/access.decorators.js';
import { READ_STORE, type ReadStore } from '../../readstore/read-store.port.js';

export type StockLevelView = { productId: string } & Pick<StockLevel, 'sku' | 'received' | 'adjusted' | 'onHand' | 'reserved' | 'available' | 'shipped'>;

@ApiTags('inventory')
@Controller('v1/stock-levels')
export class StockLevelsController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Get(':productId')
  @Permission('inventory.read-stock-levels')
  @Header('Cache-Control', 'no-store')
  @ApiHeader({ name: 'X-Min-Position', required: false, description: 'Wait until the read model includes this position' })
  @ReadsFrom(stockLevelsProjection.name)
  async get(@Param('productId', uuidParam()) productId: string): Promise<StockLevelView> {
    const doc = await this.readStore.findById<StockLevel>(stockLevelsProjection.collection.name, productId);
    if (!doc) throw new DomainError('not_found', 'product_not_found', `Product ${productId} does not exist`);
    const { sku, received, adjusted, onHand, reserved, available, shipped } = doc;
    return { productId, sku, received, adjusted, onHand, reserved, available, shipped };
  }
}
