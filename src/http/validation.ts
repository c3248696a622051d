// Request validation: unknown fields are refused (not silently dropped), types are strict.
import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationError, type ValidationPipeOptions } from '@nestjs/common';
import { ProblemException, type FieldError } from './problem.js';
import { quickAcceptanceFor, type QuickAcceptance } from './quick-acceptance.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** ValidationPipe, with a quicker yes for flat bodies of DTOs with plain rules (quick-acceptance.ts). */
class RequestValidationPipe extends ValidationPipe {
  /** Per DTO class; null: its rules need the full walk. */
  private readonly quickAcceptances = new Map<Type, QuickAcceptance | null>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype !== undefined) {
      const accepted = this.quickAcceptance(metadata.metatype)?.(value);
      if (accepted !== undefined) return accepted;
    }
    return super.transform(value, metadata);
  }

  private quickAcceptance(dto: Type): QuickAcceptance | null {
    let acceptance = this.quickAcceptances.get(dto);
    if (acceptance === undefined) {
      acceptance = quickAcceptanceFor(dto) ?? null;
      this.quickAcceptances.set(dto, acceptance);
    }
    return acceptance;
  }
}

export function validationPipe(): ValidationPipe {
  return new RequestValidationPipe(validationPipeOptions());
}

/** The rules and the problem answer of request validation (exported for the spec that holds the quick path to them). */
export function validationPipeOptions(): ValidationPipeOptions {
  return {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const detail = fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join('. ') || 'The request body is invalid';
      return new ProblemException(400, 'validation_failed', detail, { errors: fields });
    },
  };
}
