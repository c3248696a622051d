// A position of the global log as a client gives it (a query parameter, a body field, a header, a
// cursor): a decimal string of at most 19 digits that fits the log's signed 64-bit positions.
// Every client-given position passes here once, at the boundary; anything else is a 400.
import { ValidateBy, type ValidationOptions } from 'class-validator';

export const MAX_POSITION = 2n ** 63n - 1n;
const DIGITS = /^\d{1,19}$/;

/** The position, or undefined if `text` is not one (not digits, or beyond 2^63-1). */
export function parsePosition(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !DIGITS.test(text)) return undefined;
  const position = BigInt(text);
  return position <= MAX_POSITION ? position : undefined;
}

/** class-validator: the property is a position (see parsePosition). */
export const IsPosition = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isPosition',
      validator: {
        validate: (value) => parsePosition(value) !== undefined,
        defaultMessage: (args) => `${args?.property ?? 'the value'} must be a position: a whole number from 0 to ${MAX_POSITION}`,
      },
    },
    options,
  );
