import { randomBytes } from 'node:crypto';
import type { Alert, AuditEntry, Task } from '@vigil/contracts';
import { DEFAULT_CONSENT } from '@vigil/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { createRedisStores, type RedisStores } from '../src/index.ts';
import { moveToTaggedLayout } from '../src/redis/legacy-layout.ts';
import { Keys } from '../src/redis/script.ts';
import {
  haveRedisServer,
  REDIS_INSTALL_HINT,
  REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from './redis-server.ts';

/**
 * An upgrade from the untagged key layout (before Redis Cluster support): data written by the earlier
 * version is found by this one after its first start moved the keys, on a private redis-server.
 */
const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'redis legacy layout');

/** The name the earlier version gave a key (the inverse of the move), without the prefix. */
function untagged(name: string): string {
  const resident = /^\{r:([^}]*)\}:vitals(.*)$/.exec(name);
  if (resident) return `vitals:${resident[1]}${resident[2]}`;
  const audit = /^\{f:([^}]*)\}:audit(.*)$/.exec(name);
  if (audit) return audit[2] === ':n' ? 'audit:n' : `audit:f:${audit[1]}${audit[2]}`;
  const collection = /^\{([a-z-]+)\}(.*)$/.exec(name);
  if (collection && !/^p\d+$/.test(collection[1] as string)) return `${collection[1]}${collection[2]}`;
  return name;
}

describe.skipIf(skip)('moving the untagged Redis key layout to the tagged one', () => {
  let server: RedisServer | undefined;
  let client: Redis | undefined;

  beforeAll(async () => {
    if (!haveRedisServer) throw new Error(REDIS_INSTALL_HINT);
    server = await startRedisServer();
    client = new Redis(server.url);
  });

  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('keeps every record written under the old names readable after the first start', async () => {
    const prefix = 'upgrade:';
    const kek = randomBytes(32);
    const before = await createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek } });
    await writeOneOfEach(before);
    await before.close();

    // Back to what the earlier version left: every tagged name untagged, no layout marker.
    const keys = await client!.keys(`${prefix}*`);
    for (const key of keys) {
      const old = prefix + untagged(key.slice(prefix.length));
      if (old !== key) await client!.rename(key, old);
    }
    await client!.del(`${prefix}key-layout`);
    const old = (await client!.keys(`${prefix}*`)).sort();
    expect(old).toEqual(
      expect.arrayContaining([`${prefix}alerts:open-index`, `${prefix}tasks:alert:al_1`, `${prefix}vitals:r1:latest`]),
    );

    const after = await createRedisStores(server!.url, { keyPrefix: prefix, encryption: { kek } });
    try {
      expect((await after.alerts.findOpen('f1', 'r1', 'sos'))?.id).toBe('al_1');
      expect((await after.tasks.list({ alertId: 'al_1' })).map((t) => t.id)).toEqual(['t1']);
      expect((await after.tasks.list({ state: 'active' })).map((t) => t.id)).toEqual(['t1']);
      expect((await after.users.getByUsername('mei'))?.id).toBe('u1');
      expect(await after.devices.get('d1')).toMatchObject({ state: 'online', lastSeenAt: 10 });
      expect((await after.residents.get('r1'))?.name).toBe('A');
      expect((await after.vitals.latest('r1'))?.values.hr).toEqual({ v: 72, ts: 1_000 });
      expect((await after.deadlines.list()).map((d) => d.id)).toEqual(['task:t1:accept']);
      expect((await after.events.readAfter('0-0')).events).toHaveLength(1);
      expect((await after.audit.list({})).map((e) => e.id)).toEqual(['au1']);
      // Nothing of the old layout is left, and a later start has nothing to move.
      const left = (await client!.keys(`${prefix}*`)).map((k) => k.slice(prefix.length));
      expect(
        left.filter((k) => /^(alerts|tasks|vitals|events|devices|users|residents)(:|$)|^audit:f:/.test(k)),
      ).toEqual([]);
      expect(await moveToTaggedLayout(client!, new Keys(prefix))).toBe(0);
      // New audit entries of the facility sort after the moved ones of the same millisecond.
      await after.audit.append(auditEntry({ id: 'au2' }));
      expect((await after.audit.list({})).map((e) => e.id)).toEqual(['au2', 'au1']);
    } finally {
      await after.close();
    }
  });
});

async function writeOneOfEach(s: RedisStores): Promise<void> {
  await s.facilities.put({ id: 'f1', name: 'A', zones: [] });
  await s.users.put({
    id: 'u1',
    username: 'Mei',
    name: 'Mei',
    role: 'caregiver',
    facilityIds: ['f1'],
    onDuty: true,
    passwordHash: 'h',
  });
  await s.residents.put({
    id: 'r1',
    facilityId: 'f1',
    name: 'A',
    zoneId: 'z',
    roomId: 'x',
    carePlan: {},
    consent: DEFAULT_CONSENT,
  });
  await s.devices.put({
    id: 'd1',
    kind: 'wearable',
    facilityId: 'f1',
    secretHash: 'h',
    state: 'provisioned',
    createdAt: 1,
  });
  await s.devices.touch('d1', { state: 'online', lastSeenAt: 10 });
  const alert: Alert = {
    id: 'al_1',
    facilityId: 'f1',
    residentId: 'r1',
    kind: 'sos',
    priority: 'high',
    state: 'active',
    title: 'SOS',
    explanation: { rule: 'r', inputs: {}, condition: 'c' },
    raisedAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-01T00:00:00.000Z',
    occurrences: 1,
    escalationLevel: 0,
  };
  await s.alerts.put(alert);
  const task: Task = {
    id: 't1',
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'assigned',
    alertId: 'al_1',
    createdAt: '2026-01-01T00:00:00.000Z',
    acceptBy: '2026-01-01T00:02:00.000Z',
    completeBy: '2026-01-01T00:15:00.000Z',
    escalationLevel: 0,
  };
  await s.tasks.put(task);
  await s.deadlines.schedule({
    id: 'task:t1:accept',
    dueAt: 1_000,
    facilityId: 'f1',
    kind: 'task_accept',
    taskId: 't1',
  });
  await s.events.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data: alert });
  await s.vitals.append('r1', { ts: 1_000, hr: 72 });
  await s.audit.append(auditEntry({ id: 'au1' }));
}

const auditEntry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: 'au1',
  at: new Date().toISOString(),
  facilityId: 'f1',
  residentId: 'r1',
  actorId: 'u1',
  actorRole: 'caregiver',
  action: 'vitals.read',
  purpose: 'care',
  outcome: 'allowed',
  ...over,
});
