import { Module } from '@nestjs/common';
import { AdjustStockController } from './adjust-stock/adjust-stock.http.js';
import { ChangePriceController } from './change-price/change-price.http.js';
import { InventoryCommandHandler } from './inventory-command.js';
import { GetProductHandler, ListProductsHandler } from './queries/product-queries.js';
import { ProductsController } from './queries/products.http.js';
import { StockLevelsController } from './queries/stock-levels.http.js';
import { ReceiveStockController } from './receive-stock/receive-stock.http.js';
import { RegisterProductHandler } from './register-product/register-product.command.js';
import { RegisterProductController } from './register-product/register-product.http.js';
import { ReservationHandler } from './reservations/reservation.command.js';
import type { LogData } from '../access/log-read-policy.js';
import { INVENTORY_EVENT_TYPES, productStreamId } from './inventory.decider.js';

/** Products, stock and reservations in the log (src/access/log-read-policy.ts). */
export const inventoryLogData: LogData = { kind: 'products and stock', streamPrefixes: [productStreamId('')], eventTypes: INVENTORY_EVENT_TYPES, permission: 'inventory.read-log' };

@Module({
  controllers: [RegisterProductController, ReceiveStockController, AdjustStockController, ChangePriceController, ProductsController, StockLevelsController],
  providers: [InventoryCommandHandler, RegisterProductHandler, GetProductHandler, ListProductsHandler, ReservationHandler],
})
export class InventoryModule {}
