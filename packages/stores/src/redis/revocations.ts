import type { RevocationStore } from '../revocation-types.ts';
import { type Keys, LuaScript, type RedisClient } from './script.ts';

/**
 * Sets the cut-off unless a later one is kept; the key expires at ARGV[2].
 * KEYS: the user's cut-off; ARGV: at (epoch ms), keepUntil (epoch ms).
 */
const RAISE_CUTOFF = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
return 1
`);

/**
 * On Redis, one key each, untagged (each is read and written alone): `revoked:token:<jti>` set with
 * `NX PXAT <exp>`, so it disappears when the token would have expired; `revoked:user:<id>` holds the
 * cut-off in epoch ms. Every gateway reads them for every request and every socket check.
 */
export class RedisRevocationStore implements RevocationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
  ) {}

  async revokeToken(tokenId: string, expiresAt: number): Promise<boolean> {
    // PXAT in the past is an error; a token already expired needs no entry, but the caller still
    // learns whether this was the first revocation.
    const until = Math.max(expiresAt, this.now() + 1000);
    const set = await this.redis.set(this.keys.keyFor('revoked', 'token', tokenId), '1', 'PXAT', until, 'NX');
    return set === 'OK';
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.keyFor('revoked', 'token', tokenId))) === 1;
  }

  async revokeUserTokens(userId: string, at: number, keepUntil: number): Promise<void> {
    const until = Math.max(keepUntil, this.now() + 1000);
    await RAISE_CUTOFF.run(this.redis, [this.keys.keyFor('revoked', 'user', userId)], [at, until]);
  }

  async userCutoff(userId: string): Promise<number | undefined> {
    const v = await this.redis.get(this.keys.keyFor('revoked', 'user', userId));
    return v === null ? undefined : Number(v);
  }
}
