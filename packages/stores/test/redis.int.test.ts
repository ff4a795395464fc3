import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { haveRedisServer, REDIS_INSTALL_HINT, REDIS_SERVER, startRedisServer } from './redis-server.ts';
import { redisStoreSuite } from './redis-suite.ts';

/** The Redis store suite (redis-suite.ts) on a private single redis-server on a free port. */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis stores');

describe.skipIf(skip)('redis stores', () => {
  redisStoreSuite('redis', async () => {
    // In CI a missing server is a failure, not a skip.
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    const server = await startRedisServer();
    return { target: { url: server.url }, connect: () => new Redis(server.url), stop: () => server.stop() };
  });
});
