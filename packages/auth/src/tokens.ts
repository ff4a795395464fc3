import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Role } from '@vigil/contracts';

export interface TokenClaims {
  userId: string;
  role: Role;
  facilityIds: string[];
}

export interface TokenServiceOptions {
  /** HMAC key, at least 32 bytes. A random one is generated when absent (tokens die with the process). */
  secret?: string;
  issuer?: string;
  audience?: string;
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * One verifier for REST and Socket.IO (dependencies.md): HS256 only (a fixed algorithm allow-list),
 * issuer and audience checked, expiry enforced.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(opts: TokenServiceOptions = {}) {
    this.key = opts.secret ? new TextEncoder().encode(opts.secret) : randomBytes(32);
    this.issuer = opts.issuer ?? 'vigil';
    this.audience = opts.audience ?? 'vigil-dashboards';
    this.ttlSeconds = opts.ttlSeconds ?? 12 * 3600;
    this.now = opts.now ?? Date.now;
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ role: claims.role, fac: claims.facilityIds })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The claims of a valid token, or `undefined` for anything else (bad signature, expired, malformed). */
  async verify(token: string): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience: this.audience,
        currentDate: new Date(this.now()),
      });
      const role = Role.safeParse(payload.role);
      const fac = payload.fac;
      if (!payload.sub || !role.success || !Array.isArray(fac) || !fac.every((f) => typeof f === 'string')) {
        return undefined;
      }
      return { userId: payload.sub, role: role.data, facilityIds: fac };
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) return undefined;
      throw err;
    }
  }
}
