/**
 * Revoked access tokens and per-user cut-offs (issue 13, contract §4.1), shared by every gateway so a
 * logout, a refresh, a disabled account or a password reset holds on all of them at once. Entries
 * live only as long as the tokens they refuse could: after that, expiry refuses them anyway.
 */
export interface RevocationStore {
  /**
   * Refuses token `tokenId` from now on; the entry is kept until `expiresAt` (epoch ms), when the token
   * expires anyway. True if this call revoked it, false if it already was: of two refreshes racing with
   * the same token, one wins.
   */
  revokeToken(tokenId: string, expiresAt: number): Promise<boolean>;
  isTokenRevoked(tokenId: string): Promise<boolean>;
  /**
   * Refuses every token of `userId` issued before `at` (epoch ms): disable, password reset. Kept until
   * `keepUntil` (the longest a token issued before `at` could live). An earlier cut-off never replaces
   * a later one.
   */
  revokeUserTokens(userId: string, at: number, keepUntil: number): Promise<void>;
  /** The latest cut-off of `userId` still kept, or undefined. */
  userCutoff(userId: string): Promise<number | undefined>;
}
