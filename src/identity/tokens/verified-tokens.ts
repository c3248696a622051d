// The bearer tokens this process verified lately, with their claims, so a client presenting the same
// token on every request costs one signature check, not one per request (jsonwebtoken was ~13% of
// the service's CPU under the HTTP command load). Only what the signature and the fixed key decide is
// remembered: the claims. Everything that can change while a token lives (a disabled account, a
// revoked role, a changed password) is still judged on every request from the account's standing.
// A token is never served from here at or past its `exp`: from then on it goes through jsonwebtoken
// again, which refuses it (after its clock tolerance) exactly as before.

/** The claims as jsonwebtoken hands them over; `exp` in seconds since the epoch. */
export interface ExpiringClaims {
  exp?: unknown;
}

export class VerifiedTokens<Claims extends ExpiringClaims> {
  /** In insertion order, so the first key is the one remembered longest ago (evicted first). */
  private readonly claimsByToken = new Map<string, Readonly<Claims>>();

  /**
   * `capacity` bounds memory however many distinct valid tokens are presented (only tokens that
   * passed verification get in, so forged ones cannot fill it). `nowMs` is jsonwebtoken's clock
   * (the wall clock), injectable for specs.
   */
  constructor(
    private readonly capacity: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The claims of a token verified earlier and not expired, or undefined: verify it. */
  claimsOf(token: string): Readonly<Claims> | undefined {
    const claims = this.claimsByToken.get(token);
    if (claims === undefined) return undefined;
    if (this.expired(claims)) {
      this.claimsByToken.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Remembers a token jsonwebtoken has just verified. One without a numeric `exp` is not kept (it is refused anyway). */
  remember(token: string, claims: Claims): void {
    if (this.expired(claims) || this.claimsByToken.has(token)) return;
    if (this.claimsByToken.size >= this.capacity) this.claimsByToken.delete(this.claimsByToken.keys().next().value!);
    this.claimsByToken.set(token, Object.freeze({ ...claims }));
  }

  get size(): number {
    return this.claimsByToken.size;
  }

  private expired(claims: ExpiringClaims): boolean {
    return typeof claims.exp !== 'number' || this.nowMs() >= claims.exp * 1000;
  }
}
