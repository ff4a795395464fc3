import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { RedisSessionRegistry } from '../src/redis/session-registry.ts';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from './redis-server.ts';

/**
 * The engine workers' MQTT session registry on a private redis-server: the same behaviour as
 * @vigil/broker's `MemorySessionRegistry` (session-registry.test.ts there), on Redis's clock, shared
 * by several clients as several processes would.
 */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis session registry');

describe.skipIf(skip)('RedisSessionRegistry', () => {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  let runs = 0;
  const connect = () => {
    const c = new Redis(server?.url ?? '');
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    server = await startRedisServer();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await server?.stop();
  });

  it('reports a session as expired once its heartbeat lapses, refreshed by the next one', async () => {
    const reg = new RedisSessionRegistry(connect(), `t${++runs}:`);
    await reg.heartbeat('a', 5_000);
    await reg.heartbeat('b', 50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const listed = new Map((await reg.list()).map((s) => [s.clientId, s.expiresInMs]));
    expect(listed.get('a')).toBeGreaterThan(4_000);
    expect(listed.get('b')).toBeLessThanOrEqual(0);
    await reg.heartbeat('b', 5_000);
    expect((await reg.list()).every((s) => s.expiresInMs > 4_000)).toBe(true);
  });

  it('grants one adoption claim per lease across clients; release and remove give it up', async () => {
    const prefix = `t${++runs}:`;
    const [one, two] = [new RedisSessionRegistry(connect(), prefix), new RedisSessionRegistry(connect(), prefix)];
    await one.heartbeat('a', 1);
    const claims = await Promise.all([one.claimAdoption('a', 10_000), two.claimAdoption('a', 10_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await one.releaseAdoption('a');
    expect(await two.claimAdoption('a', 50)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await one.claimAdoption('a', 10_000)).toBe(true);
    await two.remove('a');
    expect(await one.list()).toEqual([]);
    expect(await two.claimAdoption('a', 10_000)).toBe(true);
  });

  it('keeps its keys under the prefix', async () => {
    const redis = connect();
    const prefix = `t${++runs}:`;
    const reg = new RedisSessionRegistry(redis, prefix);
    await reg.heartbeat('vigil-engine-1', 5_000);
    await reg.claimAdoption('vigil-engine-1', 5_000);
    expect((await redis.keys(`${prefix}*`)).sort()).toEqual([
      `${prefix}mqtt-adopt:vigil-engine-1`,
      `${prefix}mqtt-sessions`,
    ]);
  });
});
