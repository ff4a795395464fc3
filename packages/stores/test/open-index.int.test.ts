import { randomBytes } from 'node:crypto';
import type { Alert } from '@vigil/contracts';
import { requireBinary } from '@vigil/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores, type RedisStores } from '../src/index.ts';
import { REDIS_INSTALL_HINT, REDIS_SERVER, type RedisServer, startRedisServer } from './redis-server.ts';

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis open-alert index');

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'al_1',
  facilityId: 'f1',
  residentId: 'r1',
  kind: 'vital.spo2_low',
  priority: 'high',
  state: 'active',
  title: 'SpO2 low: 84 %',
  explanation: { rule: 'vital.spo2_low', inputs: { spo2: 84 }, condition: 'spo2 < 88' },
  raisedAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  occurrences: 1,
  escalationLevel: 0,
  ...over,
});

/**
 * Issue 13 (LOW): "open-alert index keys in Redis are plaintext". With encryption at rest the bodies
 * are sealed, but the open index named its entries `f1|r1|vital.spo2_low`: anyone who can read Redis
 * learned which resident had which condition. Read here as such an attacker would: every key name,
 * hash field and set member of the deployment, raw.
 */
describe.skipIf(skip)('the open-alert index under encryption at rest', () => {
  let server: RedisServer;
  let raw: Redis;
  const kek = randomBytes(32);
  let runs = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url);
  });
  afterAll(async () => {
    await raw?.quit();
    await server?.stop();
  });

  const open = (prefix: string) => createRedisStores(server.url, { keyPrefix: prefix, encryption: { kek } });

  /** Every key name, hash field and set or sorted-set member under `prefix`, as one text. */
  async function everythingNamed(prefix: string): Promise<string> {
    const names: string[] = [];
    for (const key of await raw.keys(`${prefix}*`)) {
      names.push(key);
      const type = await raw.type(key);
      if (type === 'hash') names.push(...(await raw.hkeys(key)));
      if (type === 'set') names.push(...(await raw.smembers(key)));
      if (type === 'zset') names.push(...(await raw.zrange(key, 0, -1)));
    }
    return names.join('\n');
  }

  it('names no resident condition in plaintext, and still finds the open alert', async () => {
    const prefix = `oi-${++runs}:`;
    const stores: RedisStores = await open(prefix);
    try {
      await stores.alerts.put(alert());
      const named = await everythingNamed(prefix);
      expect(named).not.toContain('spo2');
      expect(named).not.toContain('r1|');
      expect(named).not.toContain('vital.');
      expect((await stores.alerts.findOpen('f1', 'r1', 'vital.spo2_low'))?.id).toBe('al_1');
      expect(await stores.alerts.findOpen('f1', 'r1', 'vital.hr_high')).toBeUndefined();
      await stores.alerts.put(alert({ state: 'resolved', resolvedAt: '2026-01-01T00:05:00.000Z' }));
      expect(await stores.alerts.findOpen('f1', 'r1', 'vital.spo2_low')).toBeUndefined();
    } finally {
      await stores.close();
    }
  });

  it('names the lock of an alert (facility, resident, kind) by a keyed hash too', async () => {
    const prefix = `oi-${++runs}:`;
    const stores: RedisStores = await open(prefix);
    try {
      // The alert service's lock name for one open alert per (subject, kind).
      const named = await stores.locks.run('alert:f1|r1|vital.spo2_low', () => everythingNamed(prefix));
      expect(named).toContain(':lock:');
      // Keyed names are base64url: no `.`, `|` or `%` (an encoded `|`) can come from them.
      expect(named).not.toContain('vital.');
      expect(named).not.toContain('%7C');
      expect(named).not.toContain('|');
    } finally {
      await stores.close();
    }
  });

  it('renames entries written in plaintext before, at start', async () => {
    const prefix = `oi-${++runs}:`;
    const first = await open(prefix);
    await first.alerts.put(alert());
    await first.close();
    // As an earlier version left it: the entry under its plaintext name.
    const [index] = (await raw.keys(`${prefix}*open-index*`)) as [string];
    const [blinded] = (await raw.hkeys(index)) as [string];
    await raw.hdel(index, blinded);
    await raw.hset(index, 'f1|r1|vital.spo2_low', 'al_1');

    const again = await open(prefix);
    try {
      expect(await raw.hkeys(index)).toEqual([blinded]);
      expect((await again.alerts.findOpen('f1', 'r1', 'vital.spo2_low'))?.id).toBe('al_1');
    } finally {
      await again.close();
    }
  });
});
