import { Body, Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { uuidParam } from '../../http/ids.js';
import { CommandContext } from '../../http/request-context.js';
import { Permission } from '../../access/access.decorators.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { TRACKING_NUMBER_PATTERN } from '../shipping.decider.js';
import { DispatchShipmentCommand } from './dispatch-shipment.command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class DispatchShipmentDto {
  @ApiProperty({ example: 'DHL-00340434161094042557', pattern: TRACKING_NUMBER_PATTERN.source })
  @IsString()
  @Matches(TRACKING_NUMBER_PATTERN, { message: 'trackingNumber must be 1-64 letters, digits or dashes' })
  trackingNumber!: string;
}

/** Staff: the parcel left the warehouse. Refused (409) if the order was cancelled first. */
@ApiTags('shipments')
@Controller('v1/shipments/:id/dispatch')
export class DispatchShipmentController {
  constructor(private readonly commands: CommandBus) {}

  @Operation({
    summary: 'Dispatch a shipment with its tracking number (staff)',
    answer: CommandAnswerDto,
    problems: { 404: ['shipment_not_found'], 409: ['shipment_already_dispatched', 'shipment_cancelled'], 422: ['invalid_tracking_number'] },
  })
  @Post()
  @Permission('shipping.dispatch-order')
  @HttpCode(200)
  @UseInterceptors(IdempotencyInterceptor)
  async dispatch(
    @Param('id', uuidParam()) shipmentId: string,
    @Body() body: DispatchShipmentDto,
    @CommandContext() metadata: CommandMetadata,
  ): Promise<CommandAnswer> {
    return commandAnswer(shipmentId, await this.commands.execute(new DispatchShipmentCommand(shipmentId, body.trackingNumber, metadata)));
  }
}
