import { requireBinary } from '@vigil/testkit';
import { createRedisStores, type RedisStores } from '@vigil/stores';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, seed, startHarness } from '../../../packages/gateway/test/fixtures.ts';
import { createMemoryStores } from '@vigil/stores';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../../../packages/stores/test/redis-server.ts';

/** Issue 13: an audit entry edited in Redis behind the gateway's back is named by `GET /api/audit/verify`. */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'audit verify on redis');

describe.skipIf(skip)('GET /api/audit/verify on redis', () => {
  let server: RedisServer | undefined;
  let stores: RedisStores | undefined;
  let harness: Harness | undefined;
  let raw: Redis | undefined;

  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    server = await startRedisServer();
    raw = new Redis(server.url);
    stores = await createRedisStores(server.url, { keyPrefix: 'av:' });
    // Users and residents in memory (seeded as every gateway test); only the audit log on Redis.
    const memory = createMemoryStores();
    await seed(memory);
    harness = await startHarness({ deps: { stores: { ...memory, audit: stores.audit } } });
  });
  afterAll(async () => {
    await harness?.close();
    await stores?.close();
    await raw?.quit();
    await server?.stop();
  });

  it('names the edited entry', async () => {
    const base = harness!.base;
    for (const id of ['e1', 'e2', 'e3']) {
      await stores!.audit.append({
        id,
        at: new Date().toISOString(),
        facilityId: 'f1',
        residentId: 'r1',
        actorId: 'care1',
        actorRole: 'caregiver',
        action: 'vitals.read',
        purpose: 'care',
        outcome: 'allowed',
      });
    }
    const manager = await login(base, 'manager1');
    const ok = await api(base, 'GET', '/api/audit/verify?facilityId=f1', { token: manager });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ facilityId: 'f1', ok: true, entries: 3 });
    expect(
      (await api(base, 'GET', '/api/audit/verify?facilityId=f1', { token: await login(base, 'manager2') })).status,
    ).toBe(404);
    expect(
      (await api(base, 'GET', '/api/audit/verify?facilityId=f1', { token: await login(base, 'care1') })).status,
    ).toBe(403);

    const key = 'av:{f:f1}:audit';
    const flat = await raw!.zrange(key, 0, -1, 'WITHSCORES');
    const i = flat.findIndex((m) => m.includes('"id":"e2"'));
    const member = flat[i] as string;
    await raw!.zrem(key, member);
    await raw!.zadd(key, flat[i + 1] as string, member.replace('"actorId":"care1"', '"actorId":"someone"'));
    const broken = await api(base, 'GET', '/api/audit/verify?facilityId=f1', { token: manager });
    expect(broken.body).toMatchObject({ ok: false, brokenAt: 'e2', reason: 'hash_mismatch' });
  });
});
