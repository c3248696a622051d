// Access tokens issued by POST /v1/auth/token: HS256 JWTs, short-lived, naming the user (sub),
// their roles, issuer and audience. Verification is in access/jwt.strategy.ts.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { CLOCK, type Clock } from '../../clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Role } from '../../access/roles.js';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
}

@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** True when this service issues tokens (no external identity provider configured). */
  get issuesTokens(): boolean {
    return this.config.security.jwt.mode === 'local';
  }

  /** `credentialId`: the account's current credential, as the `cid` claim; a password change makes the token stale. */
  issue(userId: string, roles: readonly Role[], credentialId: string): IssuedToken {
    const settings = this.config.security.jwt;
    if (settings.mode !== 'local') throw new Error('Tokens come from the identity provider in JWKS mode');
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const accessToken = jwt.sign({ roles, iat, cid: credentialId }, settings.secret, {
      algorithm: 'HS256',
      expiresIn: settings.tokenTtlSeconds,
      issuer: settings.issuer,
      audience: settings.audience,
      subject: userId,
      jwtid: randomUUID(),
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: settings.tokenTtlSeconds };
  }
}
