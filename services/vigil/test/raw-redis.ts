import { Redis } from 'ioredis';

/**
 * Everything stored under `prefix` in one Redis, as raw text: key names and every value of every type
 * (strings, hashes, sets, sorted sets with scores, lists, streams). What an attacker with a copy of
 * the database (an RDB file, a replica) reads, for tests that look for data kept in plaintext.
 */
export async function rawRedisText(url: string, prefix: string): Promise<string> {
  const redis = new Redis(url);
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) out.push(key, ...(await valuesOf(redis, key)));
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return out.join('\n');
}

async function valuesOf(redis: Redis, key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case 'string':
      return [(await redis.getBuffer(key))?.toString('latin1') ?? ''];
    case 'hash':
      return Object.entries(await redis.hgetall(key)).flat();
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, 0, -1, 'WITHSCORES');
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'stream':
      return (await redis.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    default:
      return [];
  }
}
