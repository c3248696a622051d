import { Body, Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
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

export class ReceiveStockDto {
  @ApiProperty({ example: 24, minimum: 1, maximum: MAX_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @ApiProperty({ description: 'Goods receipt or purchase order reference', example: 'PO-2026-0042' })
  @IsString()
  @Length(1, 200)
  reference!: string;
}

@ApiTags('inventory')
@Controller('v1/products/:id/stock-receipts')
export class ReceiveStockController {
  constructor(private readonly commands: CommandBus) {}

  @Operation({
    summary: 'Record a stock receipt (goods in)',
    answer: CommandAnswerDto,
    problems: { 404: ['product_not_found'], 422: ['invalid_quantity'] },
  })
  @Post()
  @Permission('inventory.receive-stock')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async receive(
    @Param('id', uuidParam()) productId: string,
    @Body() body: ReceiveStockDto,
    @CommandContext() metadata: CommandMetadata,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    const command = { type: 'ReceiveStock' as const, productId, quantity: body.quantity, reference: body.reference };
    return commandAnswer(productId, await this.commands.execute(new InventoryCommandMessage(command, metadata, ifMatch)));
  }
}
