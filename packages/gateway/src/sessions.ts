import type { TokenService, VerifiedToken } from '@vigil/auth';
import type { Stores } from '@vigil/stores';

/**
 * Session revocation (contract §4.1, §2; issue 13), one place for REST and Socket.IO. A token is good
 * while it verifies (signature, `exp` present and not passed), its id is not revoked (logout, or
 * refreshed into a new one) and it was issued after the user's last cut-off (disable, password reset).
 * The state is in `stores.revocations` (Redis in production), so every gateway refuses the same tokens.
 */
export async function tokenRevoked(stores: Stores, token: VerifiedToken): Promise<boolean> {
  const [revoked, cutoff] = await Promise.all([
    stores.revocations.isTokenRevoked(token.tokenId),
    stores.revocations.userCutoff(token.userId),
  ]);
  return revoked || (cutoff !== undefined && token.issuedAt < cutoff);
}

/** Logout: this token only; its entry lasts as long as the token could. */
export async function revokeToken(stores: Stores, token: VerifiedToken): Promise<boolean> {
  return stores.revocations.revokeToken(token.tokenId, token.expiresAt);
}

/**
 * Disable and password reset: every token of the user issued until now. Kept for a session's maximum
 * age, the longest any token issued before now can still be presented (a refresh of one is refused).
 */
export async function revokeUserTokens(stores: Stores, tokens: TokenService, userId: string, now: number) {
  await stores.revocations.revokeUserTokens(userId, now, now + tokens.maxSessionMs);
}
