import { randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Role } from '@vigil/contracts';

export interface TokenClaims {
  userId: string;
  role: Role;
  facilityIds: string[];
}

/** A verified token: its claims plus what revocation and refresh need (docs/security.md "Sessions"). */
export interface VerifiedToken extends TokenClaims {
  /** `jti`: what logout and refresh revoke. */
  tokenId: string;
  /** Epoch ms the token was issued (to the ms, so a cut-off at a password reset is exact). */
  issuedAt: number;
  /** Epoch ms of `exp`; every token has one (contract §4.1). */
  expiresAt: number;
  /** Epoch ms of the login this token descends from by refreshes (`auth_time`). */
  sessionStartedAt: number;
}

export interface IssuedToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  tokenId: string;
}

export interface TokenServiceOptions {
  /** HMAC key, at least 32 bytes. A random one is generated when absent (tokens die with the process). */
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Access token lifetime (contract §4.1: short-lived, default 15 min). */
  ttlSeconds?: number;
  /** How long after its login a session may still be refreshed (default 12 h, one shift and a margin). */
  maxSessionSeconds?: number;
  now?: () => number;
}

export const DEFAULT_TOKEN_TTL_S = 15 * 60;
export const DEFAULT_MAX_SESSION_S = 12 * 3600;
/** Verified tokens remembered: a large facility chain's signed-in users, several tabs each. */
const VERIFIED_CACHE_MAX = 10_000;

/**
 * One verifier for REST and Socket.IO (dependencies.md): HS256 only (a fixed algorithm allow-list),
 * issuer and audience checked, expiry enforced, and `exp`, `iat`, `jti` and `sub` required: a token
 * without an expiry is refused even when its signature is right (contract §4.1, issue 13).
 * Revocation is not here: the gateway checks `tokenId` and the user's cut-off in the stores.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttlSeconds: number;
  readonly maxSessionMs: number;
  private readonly now: () => number;
  /** Tokens that verified, until they expire (`verify`); at most `VERIFIED_CACHE_MAX`. */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(opts: TokenServiceOptions = {}) {
    this.key = opts.secret ? new TextEncoder().encode(opts.secret) : randomBytes(32);
    this.issuer = opts.issuer ?? 'vigil';
    this.audience = opts.audience ?? 'vigil-dashboards';
    this.ttlSeconds = opts.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
    this.maxSessionMs = (opts.maxSessionSeconds ?? DEFAULT_MAX_SESSION_S) * 1000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * A new access token. `sessionStartedAt` carries a refreshed session's login time forward; the
   * token never outlives the session's maximum age.
   */
  async issue(claims: TokenClaims, session: { sessionStartedAt?: number } = {}): Promise<IssuedToken> {
    const nowMs = this.now();
    const started = session.sessionStartedAt ?? nowMs;
    const iat = Math.floor(nowMs / 1000);
    const exp = Math.min(iat + this.ttlSeconds, Math.floor((started + this.maxSessionMs) / 1000));
    const tokenId = randomUUID();
    const token = await new SignJWT({
      role: claims.role,
      fac: claims.facilityIds,
      iat_ms: nowMs,
      auth_time: Math.floor(started / 1000),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setJti(tokenId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000, tokenId };
  }

  /** Whether a session that started at `sessionStartedAt` may still be refreshed. */
  refreshable(token: VerifiedToken): boolean {
    return this.now() < token.sessionStartedAt + this.maxSessionMs;
  }

  /**
   * The claims of a valid token, or `undefined` for anything else (bad signature, expired, no `exp`,
   * malformed). A token verified before answers from `verified` until it expires: a board sends the
   * same token with every request and socket, and jose's HMAC check goes through WebCrypto's job
   * queue (about 100 µs of CPU each, measured). Keyed by the whole token, signature included, so only
   * the exact bytes that passed once can hit; revocation is the gateway's check on every request.
   */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    const known = this.verified.get(token);
    if (known) {
      if (this.now() < known.expiresAt) return known;
      this.verified.delete(token);
      return undefined;
    }
    const claims = await this.verifyOnce(token);
    if (claims) {
      if (this.verified.size >= VERIFIED_CACHE_MAX) {
        // Oldest first (a Map keeps insertion order): the one least likely to come again.
        const oldest = this.verified.keys().next().value;
        if (oldest !== undefined) this.verified.delete(oldest);
      }
      // Shared by every request that presents this token: nobody may change it.
      Object.freeze(claims.facilityIds);
      this.verified.set(token, Object.freeze(claims));
    }
    return claims;
  }

  private async verifyOnce(token: string): Promise<VerifiedToken | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience: this.audience,
        currentDate: new Date(this.now()),
        // jose checks `exp` only when present; a token without one would never die (issue 13).
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      });
      const role = Role.safeParse(payload.role);
      const fac = payload.fac;
      const { sub, jti, exp, iat } = payload;
      if (!sub || !jti || exp === undefined || iat === undefined) return undefined;
      if (!role.success || !Array.isArray(fac) || !fac.every((f) => typeof f === 'string')) return undefined;
      const issuedAt = typeof payload.iat_ms === 'number' ? payload.iat_ms : iat * 1000;
      const sessionStartedAt = typeof payload.auth_time === 'number' ? payload.auth_time * 1000 : issuedAt;
      return {
        userId: sub,
        role: role.data,
        facilityIds: fac,
        tokenId: jti,
        issuedAt,
        expiresAt: exp * 1000,
        sessionStartedAt,
      };
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) return undefined;
      throw err;
    }
  }
}
