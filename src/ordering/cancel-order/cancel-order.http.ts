import { Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { IfMatchRevision } from '../../http/if-match.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { OrderCommandMessage } from '../order-command.js';
import { Permission, RequestScope } from '../../access/access.decorators.js';
import type { AccessScope } from '../../access/ownership.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

/**
 * The customer cancels before dispatch: the order saga then releases the stock and voids or
 * refunds the payment. After dispatch: 409 order_already_shipped. Cancelling twice changes nothing.
 */
@ApiTags('orders')
@Controller('v1/orders/:id/cancel')
export class CancelOrderController {
  constructor(private readonly commands: CommandBus) {}

  @Operation({
    summary: 'Cancel an order before it ships',
    description: "A customer cancels only their own orders (another's is 404). The saga releases the stock and refunds or voids the payment.",
    answer: CommandAnswerDto,
    problems: { 404: ['order_not_found'], 409: ['order_already_shipped', 'order_cancelled'] },
  })
  @Post()
  @Permission('ordering.cancel-order')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async cancel(
    @Param('id', uuidParam()) orderId: string,
    @CommandContext() metadata: CommandMetadata,
    @RequestScope() scope: AccessScope,
    @IfMatchRevision() ifMatch: number | undefined,
  ): Promise<CommandAnswer> {
    const customerId = scope.kind === 'own' ? scope.userId : undefined;
    const command = { type: 'CancelOrder' as const, orderId, reason: 'customer_request' as const, ...(customerId === undefined ? {} : { customerId }) };
    return commandAnswer(orderId, await this.commands.execute(new OrderCommandMessage(command, metadata, ifMatch)));
  }
}
