// Verifies bearer tokens through passport-jwt, in one of two modes (config JWT_*):
//   local - HS256 tokens this service issued, signed with JWT_SECRET;
//   jwks  - RS256/ES256 tokens from an external identity provider, keys from its JWKS.
// Either way the algorithms are pinned (no "none", no HS/RS confusion), iss and aud must match,
// exp must be present and in the future, nbf (if any) in the past, within a small clock skew.
// In local mode a token verified once is not verified again while it lives (verified-tokens.ts);
// the account's standing is still checked on every request.
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { JwtSettings } from '../../config/security-config.js';
import type { Actor } from '../../eventstore/event-store.port.js';
import { UserAccounts } from '../user-accounts.js';
import { isRole, type Role } from '../../access/roles.js';
import { hs256KeyForPassport } from './hs256-key.js';
import { VerifiedTokens } from './verified-tokens.js';

export const LOCAL_ALGORITHMS = ['HS256'] as const;
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

/** How many verified tokens are remembered (about half a kilobyte each). */
const VERIFIED_TOKENS_REMEMBERED = 10_000;

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

function strategyOptions(settings: JwtSettings): StrategyOptionsWithRequest {
  const common = {
    jwtFromRequest: bearerToken,
    // validate is handed the request too, to remember which token the verified claims came from.
    passReqToCallback: true as const,
    issuer: settings.issuer,
    audience: settings.audience,
    ignoreExpiration: false,
    jsonWebTokenOptions: { clockTolerance: settings.clockToleranceSeconds },
  };
  if (settings.mode === 'local') return { ...common, secretOrKey: hs256KeyForPassport(settings.secret), algorithms: [...LOCAL_ALGORITHMS] };
  return {
    ...common,
    algorithms: [...JWKS_ALGORITHMS],
    // Keys are cached and refetched at most a few times a minute, so unknown key ids
    // in forged tokens cannot turn the service into a JWKS request amplifier.
    secretOrKeyProvider: passportJwtSecret({
      jwksUri: settings.jwksUrl,
      cache: true,
      cacheMaxAge: 10 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      timeout: 5000,
    }),
  };
}

interface Claims {
  sub?: unknown;
  roles?: unknown;
  exp?: unknown;
  iat?: unknown;
  /** The credential (password) current when the token was issued (token-issuer.ts). */
  cid?: unknown;
}

/**
 * A token outlives no password change: it names the credential current when it was issued (cid),
 * which must still be the current one. A token without cid (issued before tokens carried it) is
 * judged by its issue time against the last change instead.
 */
function issuedUnderCurrentPassword(claims: Claims, user: { credentialId: string; passwordChangedAt?: string }): boolean {
  if (typeof claims.cid === 'string') return claims.cid === user.credentialId;
  if (user.passwordChangedAt === undefined) return true;
  return typeof claims.iat === 'number' && claims.iat * 1000 >= Date.parse(user.passwordChangedAt);
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  /**
   * Local mode only: its key is fixed for the life of the process. A JWKS provider's keys rotate
   * (and jwks-rsa refetches them on its own schedule), so there every token is verified as it comes.
   */
  private readonly verifiedTokens: VerifiedTokens<Claims> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: UserAccounts,
  ) {
    super(strategyOptions(config.security.jwt));
    this.verifiedTokens = config.security.jwt.mode === 'local' ? new VerifiedTokens<Claims>(VERIFIED_TOKENS_REMEMBERED) : undefined;
  }

  /** A token verified earlier skips passport-jwt's verification and goes straight to the standing checks. */
  override authenticate(request: Parameters<Strategy['authenticate']>[0], options?: object): void {
    const token = this.verifiedTokens && bearerToken(request);
    const claims = token ? this.verifiedTokens!.claimsOf(token) : undefined;
    if (claims === undefined) {
      super.authenticate(request, options);
      return;
    }
    // The same outcomes as passport-jwt's own callback: an actor, a refusal without details, or an error.
    this.actorFor(claims).then(
      (actor) => (actor ? this.success(actor) : this.refuse()),
      (error: unknown) => this.error(error as Error),
    );
  }

  /** Called by passport-jwt once the token's signature and registered claims are verified. */
  async validate(request: Parameters<Strategy['authenticate']>[0], claims: Claims): Promise<Actor | null> {
    const token = this.verifiedTokens && bearerToken(request);
    if (token) this.verifiedTokens!.remember(token, claims);
    return this.actorFor(claims);
  }

  /** passport-jwt refuses with fail(info), info being validate's absent third value; the typings insist on a status. */
  private refuse(): void {
    (this.fail as (challenge?: unknown) => void).call(this);
  }

  /** The actor the token stands for, or null to refuse it (401). */
  private async actorFor(claims: Readonly<Claims>): Promise<Actor | null> {
    // jsonwebtoken checks exp only when present; a token without one would never expire.
    if (typeof claims.exp !== 'number') return null;
    if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) return null;
    const claimed: Role[] = Array.isArray(claims.roles) ? [...new Set(claims.roles.filter(isRole))] : [];
    if (this.config.security.jwt.mode === 'jwks') return { userId: claims.sub, roles: claimed };
    // Our own users: the account must still exist and be enabled, its password unchanged since the
    // token was issued, and a token never carries more than the user holds now, so disabling,
    // revoking and changing the password take effect at once.
    const user = await this.accounts.standing(claims.sub);
    if (user.status !== 'registered' || user.disabled || !issuedUnderCurrentPassword(claims, user)) return null;
    return { userId: user.userId, roles: claimed.filter((role) => user.roles.includes(role)) };
  }
}
