import type { RevocationStore } from '../revocation-types.ts';

/** In one process (the embedded default): maps with expiry, swept as they are written. */
export class MemoryRevocationStore implements RevocationStore {
  private readonly tokens = new Map<string, number>();
  private readonly users = new Map<string, { at: number; keepUntil: number }>();

  constructor(private readonly now: () => number = Date.now) {}

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
    return c && c.keepUntil > this.now() ? c.at : undefined;
  }

  /** Drops what expired, so a long-running process does not keep every logout. */
  private sweep(): void {
    const now = this.now();
    for (const [id, until] of this.tokens) if (until <= now) this.tokens.delete(id);
    for (const [id, c] of this.users) if (c.keepUntil <= now) this.users.delete(id);
  }
}
