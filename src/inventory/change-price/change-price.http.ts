import { Body, Controller, HttpCode, Param, Put, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { IfMatchRevision } from '../../http/if-match.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { MoneyDto } from '../../money/money.dto.js';
import { InventoryCommandMessage } from '../inventory-command.js';
import { Permission } from '../../access/access.decorators.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

@ApiTags('inventory')
@Controller('v1/products/:id/price')
export class ChangePriceController {
  constructor(private readonly commands: CommandBus) {}

  /** Sets the price; setting the current price again records nothing and answers the current revision. */
  @Operation({
    summary: "Change a product's price",
    description: 'Setting the current price again records nothing and answers the current revision.',
    answer: CommandAnswerDto,
    problems: { 404: ['product_not_found'], 422: ['invalid_price', 'invalid_currency'] },
  })
  @Put()
  @Permission('inventory.change-price')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async change(
    @Param('id', uuidParam()) productId: string,
    @Body() price: MoneyDto,
    @CommandContext() metadata: CommandMetadata,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    const command = { type: 'ChangePrice' as const, productId, price: { amount: price.amount, currency: price.currency } };
    return commandAnswer(productId, await this.commands.execute(new InventoryCommandMessage(command, metadata, ifMatch)));
  }
}
