import { Body, Controller, HttpCode, Post, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { productDetailsProjection } from '../../../projections/product-details/product-details.projection.js';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { ReadsFrom } from '../../http/min-position.interceptor.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { Permission } from '../../access/access.decorators.js';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES, PAYMENT_TOKEN_PATTERN } from '../ordering.decider.js';
import { PlaceOrderCommand } from './place-order.command.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class OrderLineDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: MAX_LINE_QUANTITY, example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

export class ShippingAddressDto {
  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: '12 Analytical Row' })
  @IsString()
  @Length(1, 200)
  line1!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  line2?: string;

  @ApiProperty({ example: '10115' })
  @IsString()
  @Length(1, 20)
  postalCode!: string;

  @ApiProperty({ example: 'Berlin' })
  @IsString()
  @Length(1, 100)
  city!: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE' })
  country!: string;
}

export class PlaceOrderDto {
  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: MAX_ORDER_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  lines!: OrderLineDto[];

  @ApiProperty({ example: 'tok_ok', description: 'Card token from the payment processor (test mode: tok_ok, tok_declined, tok_slow, tok_error)' })
  @IsString()
  @Matches(PAYMENT_TOKEN_PATTERN, { message: 'paymentToken must be a processor token such as tok_ok' })
  paymentToken!: string;

  @ApiProperty({ type: ShippingAddressDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ShippingAddressDto)
  shippingAddress!: ShippingAddressDto;
}

@ApiTags('orders')
@Controller('v1/orders')
export class PlaceOrderController {
  constructor(private readonly commands: CommandBus) {}

  /** X-Min-Position here makes sure the catalogue (prices) includes a product just registered. */
  @Operation({
    summary: 'Place an order',
    description: 'The fulfilment saga then reserves the stock, authorizes the payment and confirms or cancels the order: follow it with GET /v1/orders/{id}.',
    status: 201,
    answer: CommandAnswerDto,
    headers: ['Location'],
    problems: { 422: ['unknown_product', 'invalid_order_lines', 'duplicate_order_line', 'invalid_quantity', 'line_quantity_over_limit', 'mixed_currencies', 'invalid_payment_token'] },
  })
  @Post()
  @Permission('ordering.place-order')
  @HttpCode(201)
  @ReadsFrom(productDetailsProjection.name)
  @UseInterceptors(IdempotencyInterceptor)
  async place(
    @Body() body: PlaceOrderDto,
    @CommandContext() metadata: CommandMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const lines = body.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    const { name, line1, line2, postalCode, city, country } = body.shippingAddress;
    const shippingAddress = { name, line1, ...(line2 === undefined ? {} : { line2 }), postalCode, city, country };
    const result = await this.commands.execute(new PlaceOrderCommand({ lines, paymentToken: body.paymentToken, shippingAddress }, metadata));
    reply.header('Location', `/v1/orders/${result.id}`);
    return commandAnswer(result.id, result);
  }
}
