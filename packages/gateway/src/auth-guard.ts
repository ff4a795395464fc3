import type { Role } from '@vigil/contracts';
import type { TokenService, VerifiedToken } from '@vigil/auth';
import type { Stores } from '@vigil/stores';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from './errors.ts';
import { tokenRevoked } from './sessions.ts';

/** The caller as every authorisation decision sees it (contract §4.2). */
export interface AuthUser {
  id: string;
  role: Role;
  name: string;
  /** Empty for an admin without a home facility: admins see every facility. */
  facilityIds: string[];
  zoneIds?: string[];
  residentId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

/**
 * Token → user, shared by REST and Socket.IO (dependencies.md: one verifier). The user record is read
 * fresh so a deleted or disabled user, or one moved out of a facility, loses access without waiting
 * for expiry; a revoked token (logout, refresh, disable, password reset) is refused on every gateway.
 */
export async function resolveSession(
  stores: Stores,
  tokens: TokenService,
  token: string,
): Promise<{ user: AuthUser; token: VerifiedToken } | undefined> {
  const claims = await tokens.verify(token);
  if (!claims) return undefined;
  const [record, revoked] = await Promise.all([stores.users.get(claims.userId), tokenRevoked(stores, claims)]);
  if (!record || record.role !== claims.role || revoked) return undefined;
  // Issue 13: a disabled account has no session; a clinical account a manager created acts only once
  // an admin approved it.
  if (record.disabled || record.pendingApproval) return undefined;
  const user: AuthUser = {
    id: record.id,
    role: record.role,
    name: record.name,
    facilityIds: record.facilityIds,
    ...(record.zoneIds?.length ? { zoneIds: record.zoneIds } : {}),
    ...(record.residentId !== undefined ? { residentId: record.residentId } : {}),
  };
  return { user, token: claims };
}

export async function resolveUser(stores: Stores, tokens: TokenService, token: string): Promise<AuthUser | undefined> {
  return (await resolveSession(stores, tokens, token))?.user;
}

export function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
}

/** onRequest hook: runs before body parsing, so an anonymous caller gets 401 and never a 400. */
export function authenticate(stores: Stores, tokens: TokenService) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(req.headers.authorization);
    const user = token ? await resolveUser(stores, tokens, token) : undefined;
    if (!user) throw unauthorized(token ? 'invalid or expired token' : 'authentication required');
    req.user = user;
  };
}

export function userOf(req: FastifyRequest): AuthUser {
  if (!req.user) throw unauthorized();
  return req.user;
}

export function requireRole(user: AuthUser, ...roles: Role[]): void {
  if (!roles.includes(user.role)) throw forbidden(`role ${user.role} may not do this`);
}
