// The request validation pipe with its quick acceptance answers every body exactly as NestJS's
// ValidationPipe with the same options does: the same DTO instance, or the same problem. Checked
// over every DTO class of the service (the whole application's modules are loaded) with bodies
// built from each DTO's own properties, their OpenAPI examples and arbitrary values, and over a few
// DTOs written here to reach the cases the service's DTOs do not have.
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type as TransformTo } from 'class-transformer';
import { getMetadataStorage, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import fc from 'fast-check';
import '../../test/support/api-under-test.js'; // loads every module of the application, so every DTO is registered
import { quickAcceptanceFor } from './quick-acceptance.js';
import { validationPipe, validationPipeOptions } from './validation.js';

// The examples make the generated bodies pass often enough for the quick path to say yes.
class Quantity {
  @ApiProperty({ example: 5 }) @IsInt() @Min(1) @Max(10) quantity!: number;
}
class WithOptionalAndDefaults extends Quantity {
  @ApiProperty({ example: 'note' }) @IsOptional() @IsString() @Length(1, 5) note?: string;
  @ApiProperty({ example: 'b' }) @IsIn(['a', 'b']) kind = 'a';
  @ApiProperty({ example: 'EUR' }) @Matches(/^[A-Z]{3}$/) currency!: string;
}
class Nested {
  @ValidateNested() @TransformTo(() => Quantity) line!: Quantity;
}
class EachRule {
  @IsString({ each: true }) tags!: string[];
}
class Transformed {
  @TransformTo(() => Number) @IsInt() count!: number;
}
const localDtos: Type[] = [Quantity, WithOptionalAndDefaults, Nested, EachRule, Transformed];

/** Every class class-validator holds rules for: the service's DTOs and the ones above. */
function registeredDtos(): Type[] {
  // A private field of class-validator's storage: the only place that lists every class with rules.
  const byClass = Reflect.get(getMetadataStorage(), 'validationMetadatas') as Map<unknown, unknown>;
  return [...byClass.keys()].filter((key): key is Type => typeof key === 'function');
}

function propertiesOf(dto: Type): string[] {
  return [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false, undefined).map((metadata) => metadata.propertyName))];
}

/** The OpenAPI example of a property, when it has one (a value likely to pass its rules). */
function exampleOf(dto: Type, property: string): unknown {
  return (Reflect.getMetadata('swagger/apiModelProperties', dto.prototype, property) as { example?: unknown } | undefined)?.example;
}

const anyValue = fc.oneof(
  fc.string({ maxLength: 8 }), fc.integer({ min: -2, max: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
  fc.constantFrom('a', 'b', 'EUR', 'PO-1', '0190d1f4-7a8e-7cc1-8b5a-3c1f2d4e5a6b', '', 'x'.repeat(300), '1'),
  fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

function bodies(dto: Type): fc.Arbitrary<unknown> {
  const properties = propertiesOf(dto);
  const valueFor = (property: string) => {
    const example = exampleOf(dto, property);
    return example === undefined ? anyValue : fc.oneof({ arbitrary: fc.constant(example), weight: 3 }, { arbitrary: anyValue, weight: 1 });
  };
  const shaped = fc.record(Object.fromEntries(properties.map((property) => [property, valueFor(property)])), { requiredKeys: [] });
  const withExtra = fc.tuple(shaped, fc.constantFrom('extra', 'constructor', properties[0] ?? 'x'), anyValue).map(([body, key, value]) => ({ ...body, [key]: value }));
  return fc.oneof({ arbitrary: shaped, weight: 6 }, { arbitrary: withExtra, weight: 1 }, { arbitrary: anyValue, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
}

/** A fresh copy, as the JSON body parser hands it over (structuredClone would build it in another realm, with another Object.prototype). */
const asParsed = (body: unknown): unknown => (body === undefined ? undefined : JSON.parse(JSON.stringify(body)));

type Outcome = { accepted: unknown } | { refused: { status: number; answer: unknown } };
async function outcomeOf(pipe: ValidationPipe, body: unknown, dto: Type): Promise<Outcome> {
  const metadata: ArgumentMetadata = { type: 'body', metatype: dto, data: undefined };
  try {
    return { accepted: await pipe.transform(asParsed(body), metadata) };
  } catch (error) {
    const problem = error as { getStatus(): number; getResponse(): unknown };
    return { refused: { status: problem.getStatus(), answer: problem.getResponse() } };
  }
}

describe('the quick acceptance of request bodies', () => {
  const ours = validationPipe();
  // NestJS's own pipe with the same options and the same problem answers: what the service did before.
  const nests = new ValidationPipe(validationPipeOptions());

  it('applies to the hot command bodies, so the quick path is what they take', () => {
    const dtos = registeredDtos().filter((dto) => dto.name === 'ReceiveStockDto');
    expect(dtos).toHaveLength(1);
    const accepted = quickAcceptanceFor(dtos[0]!)?.({ quantity: 1, reference: 'PO-LOAD' });
    expect(accepted).toBeInstanceOf(dtos[0]!);
    expect(accepted).toEqual({ quantity: 1, reference: 'PO-LOAD' });
  });

  it('leaves nested, `each` and class-transformer rules to the pipe', () => {
    expect([Nested, EachRule, Transformed].map((dto) => quickAcceptanceFor(dto))).toEqual([undefined, undefined, undefined]);
  });

  it.each(registeredDtos().concat(localDtos.filter((dto) => !registeredDtos().includes(dto))).map((dto) => [dto.name, dto] as const))(
    '%s: every body is answered as ValidationPipe answers it',
    async (_name, dto) => {
      await fc.assert(fc.asyncProperty(bodies(dto), async (body) => {
        if (quickAcceptanceFor(dto)?.(asParsed(body)) !== undefined) quickYes.add(dto.name);
        const quick = await outcomeOf(ours, body, dto);
        const full = await outcomeOf(nests, body, dto);
        expect(quick).toStrictEqual(full);
      }), { numRuns: 60 });
    },
  );

  it('the comparison above covered bodies the quick path accepted, for the hot DTOs and the local ones', () => {
    expect([...quickYes].sort()).toEqual(expect.arrayContaining(['Quantity', 'ReceiveStockDto', 'WithOptionalAndDefaults']));
  });
});

const quickYes = new Set<string>();
