// The request fields that carry credentials, validated the same way on every route that takes
// them, and the one place that says whether this service keeps accounts at all (it does not
// when tokens come from an external identity provider).
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength, ValidateBy } from 'class-validator';
import type { AppConfig } from '../config/app-config.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../config/security-config.js';
import { ProblemException } from '../http/problem.js';
import { MAX_EMAIL_LENGTH, normalizeEmail } from './users.decider.js';

/** An email address an account can be registered under (see normalizeEmail). */
export const AccountEmail = () =>
  applyDecorators(
    ApiProperty({ example: 'ann@example.com', maxLength: MAX_EMAIL_LENGTH }),
    IsString(),
    MaxLength(MAX_EMAIL_LENGTH),
    ValidateBy({
      name: 'isAccountEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normalizeEmail(value) !== undefined,
        defaultMessage: () => 'email must be an email address',
      },
    }),
  );

/** A new password: long enough to resist guessing, short enough to hash cheaply. */
export const NewPassword = (description = 'At least 12 characters; any characters, spaces included') =>
  applyDecorators(
    ApiProperty({ description, minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, format: 'password' }),
    IsString(),
    Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH),
  );

/** A password being checked (login, current password): any length the hasher accepts. */
export const GivenPassword = () =>
  applyDecorators(ApiProperty({ format: 'password', maxLength: MAX_PASSWORD_LENGTH }), IsString(), Length(1, MAX_PASSWORD_LENGTH));

/** Accounts live here only in local token mode; with JWKS the identity provider owns them. */
export function assertLocalAccounts(config: AppConfig): void {
  if (config.security.jwt.mode !== 'local') {
    throw new ProblemException(404, 'local_accounts_disabled', 'Accounts and tokens are managed by the identity provider (JWT_JWKS_URL)');
  }
}
