// The OpenAPI object types @nestjs/swagger uses but does not export (its package exports only its
// index), taken from the one it does export.
import type { OpenAPIObject } from '@nestjs/swagger';

type Components = NonNullable<OpenAPIObject['components']>;
type NotARef<T> = Exclude<T, { $ref: string }>;

export type SchemaObject = NotARef<NonNullable<Components['schemas']>[string]>;
export type HeaderObject = NotARef<NonNullable<Components['headers']>[string]>;
export type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
export type ResponseObject = NotARef<OperationObject['responses'][string]>;
export type ParameterObject = NotARef<NonNullable<OperationObject['parameters']>[number]>;
