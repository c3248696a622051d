import { Body, Controller, HttpCode, Post, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Length, Matches, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { CommandMetadata } from '../../command-handling/command-metadata.js';
import { CommandAnswerDto, commandAnswer, type CommandAnswer } from '../../http/command-answer.js';
import { CommandContext } from '../../http/request-context.js';
import { IdempotencyInterceptor } from '../../idempotency/idempotency.interceptor.js';
import { MoneyDto } from '../../money/money.dto.js';
import { SKU_PATTERN } from '../inventory.decider.js';
import { RegisterProductCommand } from './register-product.command.js';
import { Permission } from '../../access/access.decorators.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

export class RegisterProductDto {
  @ApiProperty({ example: 'MUG-01', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must be 1-64 characters: A-Z, 0-9, ".", "_" or "-"' })
  sku!: string;

  @ApiProperty({ example: 'Enamel mug' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: MoneyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  price!: MoneyDto;
}

@ApiTags('inventory')
@Controller('v1/products')
export class RegisterProductController {
  constructor(private readonly commands: CommandBus) {}

  @Operation({
    summary: 'Register a product',
    status: 201,
    answer: CommandAnswerDto,
    headers: ['Location'],
    problems: { 409: ['sku_already_registered'], 422: ['invalid_sku', 'invalid_price', 'invalid_currency'] },
  })
  @Post()
  @Permission('inventory.register-product')
  @HttpCode(201)
  @UseInterceptors(IdempotencyInterceptor)
  async register(
    @Body() body: RegisterProductDto,
    @CommandContext() metadata: CommandMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const { sku, name, price } = body;
    const result = await this.commands.execute(new RegisterProductCommand({ sku, name, price }, metadata));
    reply.header('Location', `/v1/products/${result.id}`);
    return commandAnswer(result.id, result);
  }
}
