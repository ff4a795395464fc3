import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { assertOneSlot } from './slot.ts';

/** A single Redis (or a primary) or a Redis Cluster: the stores use only what both offer. */
export type RedisClient = Redis | Cluster;

type Arg = string | number;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does not have it cached yet (a
 * fresh or restarted Redis, or after SCRIPT FLUSH). A script runs atomically: no other client's
 * command interleaves, which is how every multi-key write here stays consistent across processes.
 * Every key a script touches is passed in KEYS, never built inside the script, and all of them hash
 * to one cluster slot (checked here, on a single Redis too, so a layout that breaks a cluster fails
 * every test run, not only the cluster's).
 */
export class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly Arg[] = []): Promise<unknown> {
    assertOneSlot(keys, 'script');
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Key builder under the configured prefix; ids inside key names are URI-encoded so `:` stays a
 * separator and `{`/`}` never open a hash tag of their own.
 *
 * Redis Cluster: keys one script or transaction touches must share a hash slot, so they share a hash
 * tag, placed right after the prefix (which may not contain braces): `<prefix>{<tag>}:<name>…`.
 * The tags (docs/deploy.md "Redis Cluster"): `{p<N>}` a partition's log, lease, epoch and checkpoint;
 * `{f:<facility>}` a facility's audit log; `{r:<resident>}` a resident's vitals history; the
 * collection's name (`{alerts}`, `{tasks}`…) for the global collections whose scripts keep a body and
 * its indexes consistent in one step. Keys only ever used alone stay untagged (`key`, `keyFor`).
 */
export class Keys {
  constructor(readonly prefix: string) {}
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }
  /** A key that embeds a caller-supplied id. */
  keyFor(name: string, ...ids: string[]): string {
    return this.key(name, ...ids.map(encodeURIComponent));
  }
  /** A key in the hash slot of `tag` (already encoded): `<prefix>{<tag>}[:<parts>]`. */
  tagged(tag: string, ...parts: string[]): string {
    return this.key(`{${tag}}`, ...parts);
  }
  /** A key of one partition (the partition log, its lease and checkpoint). */
  partition(partition: number, ...parts: string[]): string {
    return this.tagged(`p${partition}`, ...parts);
  }
  /** A key of one facility's data. */
  facility(facilityId: string, ...parts: string[]): string {
    return this.tagged(`f:${encodeURIComponent(facilityId)}`, ...parts);
  }
  /** A key of one resident's data. */
  resident(residentId: string, ...parts: string[]): string {
    return this.tagged(`r:${encodeURIComponent(residentId)}`, ...parts);
  }
}

export const toJson = (v: unknown): string => JSON.stringify(v);
export const fromJson = <T>(s: string | null | undefined): T | undefined =>
  s === null || s === undefined ? undefined : (JSON.parse(s) as T);
