// A quicker yes for the common request body: a flat JSON object of strings, numbers and booleans
// whose DTO's rules are plain property checks (@IsInt, @Min, @Length, @IsOptional, ...). For those,
// ValidationPipe's whole walk (class-transformer copying the body, class-validator regrouping the
// class's metadata on every call, building an error object per property) was ~7% of the service's
// CPU under the HTTP command load. Here the class's rules are looked up once and run straight.
//
// It only ever says yes, and only where the pipe would: it builds the instance exactly as
// class-transformer does for such a body (`new Dto()`, then each key assigned), runs the very rules
// class-validator would (the same metadata query, the same constraint instances, the same
// arguments), and checks the whitelist the same way. Anything else (a nested value, an unknown key,
// a failed rule, a rule that answers with a promise, a DTO with nested, conditional or `each` rules
// or with class-transformer decorators) is handed to ValidationPipe, which answers it as before, so
// every refusal keeps its exact problem+json answer.
import { createRequire } from 'node:module';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

type Dto = new () => object;
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** What class-transformer's plainToInstance consults for a class (its storage is not exported from the package's index). */
interface TransformerMetadata {
  findTypeMetadata(target: Dto, property: string): unknown;
  findTransformMetadatas(target: Dto, property: string, transformationType: number): unknown[];
  getExposedMetadatas(target: Dto): unknown[];
  getExcludedMetadatas(target: Dto): unknown[];
}
// The same module instance ValidationPipe's class-transformer uses (its CommonJS build).
const transformerMetadata = (createRequire(import.meta.url)('class-transformer/cjs/storage.js') as { defaultMetadataStorage: TransformerMetadata }).defaultMetadataStorage;
/** class-transformer's TransformationType.PLAIN_TO_CLASS. */
const PLAIN_TO_CLASS = 0;

/** class-validator's @IsOptional: a null or missing value skips the property's other rules. */
const IS_OPTIONAL = 'isOptional';

interface Rule {
  metadata: ValidationMetadata;
  /** Looked up once: the class's constraints are registered when its module loads, before any request. */
  constraints: ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidatorConstraints']>;
}

interface PropertyRules {
  property: string;
  optional: boolean;
  rules: Rule[];
}

/** The DTO built from `body` if the pipe would accept it as it is; undefined: let the pipe decide. */
export type QuickAcceptance = (body: unknown) => object | undefined;

/** The quick acceptance of a DTO class, or undefined if its rules need the pipe's full walk. */
export function quickAcceptanceFor(dto: Dto): QuickAcceptance | undefined {
  const storage = getMetadataStorage();
  // The query ValidationExecutor makes with our options (no groups, `always` off, no schema).
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false, undefined);
  if (metadatas.length === 0) return undefined;
  const byProperty = new Map<string, PropertyRules>();
  for (const metadata of metadatas) {
    const plainRule = metadata.type === ValidationTypes.CUSTOM_VALIDATION && !metadata.each && metadata.validateIf === undefined;
    const optional = metadata.type === ValidationTypes.CONDITIONAL_VALIDATION && metadata.name === IS_OPTIONAL;
    if (!plainRule && !optional) return undefined;
    const constraints = plainRule ? storage.getTargetValidatorConstraints(metadata.constraintCls) : [];
    if (constraints.some((constraint) => constraint.async)) return undefined;
    const entry = byProperty.get(metadata.propertyName) ?? { property: metadata.propertyName, optional: false, rules: [] };
    if (optional) entry.optional = true;
    else entry.rules.push({ metadata, constraints });
    byProperty.set(metadata.propertyName, entry);
  }
  if (!copiedAsIs(dto, [...byProperty.keys()])) return undefined;
  const properties = [...byProperty.values()];
  const declared = new Set(byProperty.keys());

  return (body) => {
    if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return undefined;
    const instance = new dto() as Record<string, unknown>;
    for (const key of Object.keys(body)) {
      if (!declared.has(key)) return undefined; // whitelist, forbidNonWhitelisted
      const value = (body as Record<string, unknown>)[key];
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && value !== null) return undefined;
      instance[key] = value;
    }
    for (const key of Object.keys(instance)) if (!declared.has(key)) return undefined;
    for (const { property, optional, rules } of properties) {
      const value = instance[property];
      if (optional && (value === null || value === undefined)) continue;
      for (const { metadata, constraints } of rules) {
        const args: ValidationArguments = { targetName: dto.name, property, object: instance, value, constraints: metadata.constraints };
        // Anything but a plain true (a refusal, or a promise) goes to the pipe.
        for (const constraint of constraints) if (constraint.instance.validate(value, args) !== true) return undefined;
      }
    }
    return instance;
  };
}

/**
 * True if plainToInstance copies these properties as they are: no class-transformer decorator
 * (@Type, @Transform, @Expose, @Exclude) on the class or its ancestors, and no accessor or method
 * of that name on its prototype (class-transformer skips those).
 */
function copiedAsIs(dto: Dto, properties: string[]): boolean {
  if (transformerMetadata.getExposedMetadatas(dto).length > 0 || transformerMetadata.getExcludedMetadatas(dto).length > 0) return false;
  return properties.every((property) =>
    !(property in dto.prototype) &&
    transformerMetadata.findTypeMetadata(dto, property) === undefined &&
    transformerMetadata.findTransformMetadatas(dto, property, PLAIN_TO_CLASS).length === 0);
}
