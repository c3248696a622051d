import { Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { CommandContext } from '../../http/request-context.js';
import { Permission } from '../../access/access.decorators.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { ShipmentCommandMessage } from '../shipment-command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { ShipmentCorrelation } from '../shipment-correlation.js';

/** Staff (or the carrier's hook): the parcel arrived. The order saga marks the order delivered. */
@ApiTags('shipments')
@Controller('v1/shipments/:id/deliver')
export class DeliverShipmentController {
  constructor(
    private readonly commands: CommandBus,
    private readonly correlation: ShipmentCorrelation,
  ) {}

  @Operation({
    summary: 'Record a shipment as delivered (staff)',
    answer: CommandAnswerDto,
    problems: { 404: ['shipment_not_found'], 409: ['shipment_not_dispatched', 'shipment_cancelled'] },
  })
  @Post()
  @Permission('shipping.deliver-order')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async deliver(@Param('id', uuidParam()) shipmentId: string, @CommandContext() requested: CommandMetadata): Promise<CommandAnswer> {
    const metadata = await this.correlation.continueFor(shipmentId, requested);
    return commandAnswer(shipmentId, await this.commands.execute(new ShipmentCommandMessage({ type: 'DeliverShipment', shipmentId }, metadata)));
  }
}
