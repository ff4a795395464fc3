import type { RevocationStore } from '../revocation-types.ts';

/** In one process (the embedded default): maps with expiry, swept as they are written. */
export class MemoryRevocationStore implements RevocationStore {
  private readonly tokens = new Map<string, number>();
  private readonly users = new Map<string, { at: number; keepUntil: number }>();

  /** `issuedFrom`: every user's cut-off is at least this (see MemoryStoresOptions.tokensIssuedFrom). */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly issuedFrom?: number,
  ) {}

  async revokeToken(tokenId: string, expiresAt: number): Promise<boolean> {
    this.sweep();
    if (this.tokens.has(tokenId)) return false;
    this.tokens.set(tokenId, expiresAt);
    return true;
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    const until = this.tokens.get(tokenId);
    return until !== undefined && until > this.now();
  }

  async revokeUserTokens(userId: string, at: number, keepUntil: number): Promise<void> {
    this.sweep();
    const current = this.users.get(userId);
    if (current && current.at >= at) return;
    this.users.set(userId, { at, keepUntil });
  }

  async userCutoff(userId: string): Promise<number | undefined> {
    const c = this.users.get(userId);
    const at = c && c.keepUntil > this.now() ? c.at : undefined;
    if (this.issuedFrom === undefined) return at;
    return at === undefined ? this.issuedFrom : Math.max(at, this.issuedFrom);
  }

  /** Drops what expired, so a long-running process does not keep every logout. */
  private sweep(): void {
    const now = this.now();
    for (const [id, until] of this.tokens) if (until <= now) this.tokens.delete(id);
    for (const [id, c] of this.users) if (c.keepUntil <= now) this.users.delete(id);
  }
}
