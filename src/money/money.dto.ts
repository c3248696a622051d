import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { MAX_AMOUNT } from './money.js';

export class MoneyDto {
  @ApiProperty({ description: 'Amount in minor units (cents)', example: 1299, minimum: 1, maximum: MAX_AMOUNT })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  amount!: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}
