import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

type Arg = string | number;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does not have it cached yet (a
 * fresh or restarted Redis, or after SCRIPT FLUSH). A script runs atomically: no other client's
 * command interleaves, which is how every multi-key write here stays consistent across processes.
 * Every key a script touches is passed in KEYS, never built inside the script.
 */
export class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly Arg[] = []): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Key builder under the configured prefix; ids inside key names are URI-encoded so `:` stays a separator. */
export class Keys {
  constructor(readonly prefix: string) {}
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }
  /** A key that embeds a caller-supplied id. */
  keyFor(name: string, ...ids: string[]): string {
    return this.key(name, ...ids.map(encodeURIComponent));
  }
}

export const toJson = (v: unknown): string => JSON.stringify(v);
export const fromJson = <T>(s: string | null | undefined): T | undefined =>
  s === null || s === undefined ? undefined : (JSON.parse(s) as T);
