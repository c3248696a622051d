import { Body, Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { IfMatchRevision } from '../../http/if-match.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { MAX_QUANTITY } from '../inventory.decider.js';
import { InventoryCommandMessage } from '../inventory-command.js';
import { Permission } from '../../access/access.decorators.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class AdjustStockDto {
  @ApiProperty({ description: 'Units added (positive) or removed (negative)', example: -2 })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  quantityChange!: number;

  @ApiProperty({ description: 'Why stock is adjusted: recorded for auditors', example: 'damaged in storage' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

@ApiTags('inventory')
@Controller('v1/products/:id/stock-adjustments')
export class AdjustStockController {
  constructor(private readonly commands: CommandBus) {}

  @Operation({
    summary: 'Adjust stock on hand (a count, damage), with a reason',
    answer: CommandAnswerDto,
    problems: { 404: ['product_not_found'], 409: ['insufficient_stock'], 422: ['invalid_quantity'] },
  })
  @Post()
  @Permission('inventory.adjust-stock')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async adjust(
    @Param('id', uuidParam()) productId: string,
    @Body() body: AdjustStockDto,
    @CommandContext() metadata: CommandMetadata,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    const command = { type: 'AdjustStock' as const, productId, quantityChange: body.quantityChange, reason: body.reason };
    return commandAnswer(productId, await this.commands.execute(new InventoryCommandMessage(command, metadata, ifMatch)));
  }
}
