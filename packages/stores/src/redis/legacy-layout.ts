import type { Redis } from 'ioredis';
import type { Keys, RedisClient } from './script.ts';

/**
 * The move from the untagged key layout (before Redis Cluster support) to the tagged one
 * (key-layout.ts), done once per deployment on its first start with this version, so an upgrade
 * keeps every open alert, task and deadline. Only a single Redis can hold the old layout: a cluster
 * never ran it (its scripts would have failed with CROSSSLOT).
 */

/** Marks a keyspace as moved (the value names the layout), so later starts skip the scan. */
const LAYOUT = '2';

/** Global collections whose keys took their name as hash tag: `<name>[:…]` → `{<name>}[:…]`. */
const COLLECTIONS = new Set([
  'facilities',
  'users',
  'residents',
  'devices',
  'alerts',
  'tasks',
  'deadlines',
  'events',
  'sla-warnings',
]);

/**
 * The tagged name of a key of the old layout (without the prefix), or undefined for a key that kept
 * its name. Ids in the old names are URI-encoded, so a `:` always separates.
 */
export function taggedName(old: string): string | undefined {
  if (old.includes('{')) return undefined;
  const [head = '', ...rest] = old.split(':');
  if (COLLECTIONS.has(head)) return [`{${head}}`, ...rest].join(':');
  // vitals:<resident>[:latest] → {r:<resident>}:vitals[:latest]
  if (head === 'vitals' && rest.length > 0) return [`{r:${rest[0]}}`, 'vitals', ...rest.slice(1)].join(':');
  // audit:f:<facility>[:r:<resident>] → {f:<facility>}:audit[:r:<resident>]
  if (head === 'audit' && rest[0] === 'f' && rest.length > 1) {
    return [`{f:${rest[1]}}`, 'audit', ...rest.slice(2)].join(':');
  }
  return undefined;
}

const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Renames every key of the old layout under the prefix to its tagged name (RENAMENX: a key already
 * written under the new name is never overwritten). Processes starting together may all run it.
 * Returns how many keys this call moved. Every process of the deployment must run this version:
 * an old one still running would keep writing the old names.
 */
export async function moveToTaggedLayout(client: RedisClient, keys: Keys): Promise<number> {
  if (client.isCluster) return 0;
  const redis = client as Redis;
  const marker = keys.key('key-layout');
  if ((await redis.get(marker)) === LAYOUT) return 0;
  // The audit sequence was one for all facilities; each facility's continues from it, so entries
  // appended after the move still sort after older ones of the same millisecond.
  const auditSeq = await redis.get(keys.key('audit', 'n'));
  let moved = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${globEscape(keys.prefix)}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      const target = taggedName(key.slice(keys.prefix.length));
      if (target === undefined) continue;
      if (await renameIfPresent(redis, key, keys.prefix + target)) moved++;
      const facility = /^\{(f:[^}]*)\}:audit$/.exec(target)?.[1];
      if (facility !== undefined && auditSeq !== null) {
        await redis.set(keys.tagged(facility, 'audit', 'n'), auditSeq, 'NX');
      }
    }
  } while (cursor !== '0');
  await redis.set(marker, LAYOUT);
  return moved;
}

/** RENAMENX that counts a key another process moved first as not moved here, not as a failure. */
async function renameIfPresent(redis: Redis, from: string, to: string): Promise<boolean> {
  try {
    return (await redis.renamenx(from, to)) === 1;
  } catch (err) {
    if (err instanceof Error && /no such key/i.test(err.message)) return false;
    throw err;
  }
}
