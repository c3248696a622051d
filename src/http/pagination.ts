// Bounded pages and opaque keyset cursors: the cursor is the last item's sort key, encoded so
// clients treat it as a token rather than build their own.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ProblemException } from './problem.js';

export const MAX_PAGE_SIZE = 100;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor from a previous page' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor into the scalar fields expected; anything else is a 400, never a query. */
export function decodeCursor<K extends string>(cursor: string, fields: readonly K[]): Record<K, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const valid =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) &&
    Object.keys(parsed).length === fields.length &&
    fields.every((field) => typeof (parsed as Record<string, unknown>)[field] === 'string');
  if (!valid) throw new ProblemException(400, 'invalid_cursor', 'cursor must be a nextCursor from a previous page');
  return parsed as Record<K, string>;
}
