import { requireBinary } from '@vigil/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRevocationStore } from '../src/memory/revocations.ts';
import { RedisRevocationStore } from '../src/redis/revocations.ts';
import { Keys } from '../src/redis/script.ts';
import type { RevocationStore } from '../src/revocation-types.ts';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from './redis-server.ts';

/**
 * One suite for both revocation stores (STYLE.md §4): the state every gateway reads to refuse a
 * logged-out, rotated or cut-off token (issue 13). Times are real epoch ms: Redis expires the entries.
 */
function revocationConformance(name: string, make: () => RevocationStore) {
  describe(`${name} revocation store`, () => {
    it('revokes a token once, until it would expire anyway', async () => {
      const s = make();
      const now = Date.now();
      expect(await s.isTokenRevoked('t1')).toBe(false);
      expect(await s.revokeToken('t1', now + 60_000)).toBe(true);
      expect(await s.revokeToken('t1', now + 60_000)).toBe(false);
      expect(await s.isTokenRevoked('t1')).toBe(true);
      expect(await s.isTokenRevoked('t2')).toBe(false);
    });

    it('forgets a revocation once the token has expired', async () => {
      const s = make();
      await s.revokeToken('short', Date.now() + 1);
      await new Promise((r) => setTimeout(r, 1_200));
      expect(await s.isTokenRevoked('short')).toBe(false);
    });

    it('keeps the latest cut-off of a user, never an earlier one', async () => {
      const s = make();
      const now = Date.now();
      expect(await s.userCutoff('u1')).toBeUndefined();
      await s.revokeUserTokens('u1', now, now + 60_000);
      expect(await s.userCutoff('u1')).toBe(now);
      await s.revokeUserTokens('u1', now - 5_000, now + 60_000);
      expect(await s.userCutoff('u1')).toBe(now);
      await s.revokeUserTokens('u1', now + 1, now + 60_000);
      expect(await s.userCutoff('u1')).toBe(now + 1);
      expect(await s.userCutoff('u2')).toBeUndefined();
    });

    it('takes ids with separators and braces as plain ids', async () => {
      const s = make();
      await s.revokeToken('a:b{c}', Date.now() + 60_000);
      expect(await s.isTokenRevoked('a:b{c}')).toBe(true);
      expect(await s.isTokenRevoked('a')).toBe(false);
    });
  });
}

revocationConformance('memory', () => new MemoryRevocationStore());

describe('memory revocation store of a process that started at `issuedFrom`', () => {
  it('refuses every token issued before the start, and keeps later cut-offs', async () => {
    const started = Date.now();
    const s = new MemoryRevocationStore(Date.now, started);
    // No list of logouts survives a restart: whatever was issued before it is cut off, for everyone.
    expect(await s.userCutoff('anyone')).toBe(started);
    await s.revokeUserTokens('u1', started + 5_000, started + 60_000);
    expect(await s.userCutoff('u1')).toBe(started + 5_000);
    expect(await s.userCutoff('u2')).toBe(started);
  });
});

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis revocations');
describe.skipIf(skip)('redis', () => {
  let server: RedisServer;
  let client: Redis;
  let n = 0;
  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });
  // A prefix per test: each starts empty on the one server.
  revocationConformance('redis', () => new RedisRevocationStore(client, new Keys(`rv${++n}:`)));
});
