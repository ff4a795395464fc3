import type { Resident } from '@vigil/contracts';
import { DEFAULT_CONSENT } from '@vigil/contracts';
import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import type { DeviceRecord, RedisClient, RedisStores, RedisStoresOptions } from '../src/index.ts';

/**
 * The snapshot cache and the write-behind of the Redis stores (issue 12) across instances on one
 * server or cluster, as several processes would have them: what one instance commits reaches the
 * other's snapshots, what one buffers is its own until written out. Run by redis-suite.ts.
 */
export function entityCacheSuite(
  /** Stores with connections of their own on keys under `prefix`. */
  instance: (prefix: string, opts?: RedisStoresOptions) => Promise<RedisStores>,
  freshPrefix: () => string,
  /** A raw client on the same server or cluster. */
  raw: () => RedisClient,
) {
  const device = (over: Partial<DeviceRecord> = {}): DeviceRecord => ({
    id: 'w1',
    kind: 'wearable',
    facilityId: 'f1',
    residentId: 'r1',
    secretHash: 'h1',
    state: 'online',
    createdAt: 1,
    ...over,
  });
  const resident: Resident = {
    id: 'r1',
    facilityId: 'f1',
    name: 'A',
    zoneId: 'z',
    roomId: 'x',
    carePlan: {},
    consent: DEFAULT_CONSENT,
  };
  /** Writes a device body past the stores (no invalidation), to tell a cached snapshot from a fresh read. */
  const writeBehindTheCachesBack = (prefix: string, d: DeviceRecord) =>
    raw().hset(`${prefix}{devices}`, d.id, JSON.stringify(d));
  /** The instance's snapshot once it caches (the invalidation subscriber confirmed). */
  const cachedSnapshot = async (s: RedisStores, prefix: string, id: string) => {
    const first = await s.devices.snapshot(id);
    await vi.waitFor(
      async () => {
        // As it was, and read (cached, if the subscriber is confirmed by now).
        await writeBehindTheCachesBack(prefix, first as DeviceRecord);
        s.devices.forgetCached?.();
        await s.devices.snapshot(id);
        await writeBehindTheCachesBack(prefix, { ...(first as DeviceRecord), zoneId: 'behind-its-back' });
        expect((await s.devices.snapshot(id))?.zoneId).toBe(first?.zoneId);
      },
      { timeout: 10_000, interval: 50 },
    );
    // Back as it was, the cache still holding the snapshot read before.
    await writeBehindTheCachesBack(prefix, first as DeviceRecord);
    return first;
  };

  describe('snapshot cache and write-behind across instances', () => {
    it("a put through B reaches A's cached snapshot; snapshots are deep-frozen", async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      await a.devices.put(device());
      await cachedSnapshot(a, prefix, 'w1');
      const snap = await a.devices.snapshot('w1');
      expect(Object.isFrozen(snap)).toBe(true);
      expect(() => {
        (snap as DeviceRecord).state = 'offline';
      }).toThrow(TypeError);
      await b.devices.put(device({ zoneId: 'z2' }));
      await vi.waitFor(async () => expect((await a.devices.snapshot('w1'))?.zoneId).toBe('z2'), { timeout: 5_000 });
      // A secret rotated by B: A's next authentication checks the new hash.
      expect(await b.devices.setSecretHash('w1', 'h1', 'h2')).toBe(true);
      await vi.waitFor(async () => expect((await a.devices.snapshot('w1'))?.secretHash).toBe('h2'), {
        timeout: 5_000,
      });
      // `get` is a copy to change.
      const copy = await a.devices.get('w1');
      copy!.zoneId = 'mine';
      expect((await a.devices.snapshot('w1'))?.zoneId).toBe('z2');
    });

    it("a decommission through B stops A's snapshot from showing the device as usable", async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      await a.devices.put(device());
      await cachedSnapshot(a, prefix, 'w1');
      await b.devices.touch('w1', { state: 'decommissioned', lastSeenAt: 5 });
      await vi.waitFor(async () => expect((await a.devices.snapshot('w1'))?.state).toBe('decommissioned'), {
        timeout: 5_000,
      });
      // Written through: a third process reading Redis sees it at once.
      const c = await instance(prefix);
      expect(await c.devices.get('w1')).toMatchObject({ state: 'decommissioned', lastSeenAt: 5 });
    });

    it("residents: B's care plan change and consent withdrawal reach A's cached snapshot", async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      await a.residents.put(resident);
      await a.devices.put(device());
      await cachedSnapshot(a, prefix, 'w1'); // the subscriber is confirmed: residents cache too
      expect((await a.residents.snapshot('r1'))?.carePlanVersion).toBeUndefined();
      const next = await b.residents.setCarePlan('r1', { spo2Scale: 2 });
      expect(next?.carePlanVersion).toBe(2);
      await vi.waitFor(async () => expect((await a.residents.snapshot('r1'))?.carePlanVersion).toBe(2), {
        timeout: 5_000,
      });
      await b.residents.setConsent('r1', { ...DEFAULT_CONSENT, location: true });
      await vi.waitFor(async () => expect((await a.residents.snapshot('r1'))?.consent.location).toBe(true), {
        timeout: 5_000,
      });
    });

    it("live fields: A's touches are A's at once, in Redis on flush() and on close()", async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix, { flushMs: 60_000 });
      const b = await instance(prefix);
      await a.devices.put(device());
      await cachedSnapshot(a, prefix, 'w1');
      await a.devices.touch('w1', { lastSeenAt: 100, battery: 80, recentIntervalsMs: [1000] });
      await a.devices.touch('w1', { lastSeenAt: 200, battery: undefined });
      const expected = { lastSeenAt: 200, recentIntervalsMs: [1000] };
      expect(await a.devices.snapshot('w1')).toMatchObject(expected);
      expect((await a.devices.snapshot('w1'))?.battery).toBeUndefined();
      expect(await a.devices.get('w1')).toMatchObject(expected);
      expect((await a.devices.list({ facilityId: 'f1' }))[0]).toMatchObject(expected);
      // Not in Redis yet: another process does not see them.
      expect((await b.devices.get('w1'))?.lastSeenAt).toBeUndefined();
      await a.flush();
      expect(await b.devices.get('w1')).toMatchObject(expected);
      expect((await b.devices.get('w1'))?.battery).toBeUndefined();
      // A touch of an unknown device is still a no-op once written out.
      await a.devices.touch('ghost', { lastSeenAt: 1 });
      await a.devices.touch('w1', { lastSeenAt: 300 });
      await a.close();
      expect((await b.devices.get('w1'))?.lastSeenAt).toBe(300);
      expect(await b.devices.get('ghost')).toBeUndefined();
    });

    it('live fields: a put resets what was buffered; timed write-outs need no flush()', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix, { flushMs: 50 });
      const b = await instance(prefix);
      await a.devices.put(device());
      await a.devices.touch('w1', { lastSeenAt: 100 });
      await vi.waitFor(async () => expect((await b.devices.get('w1'))?.lastSeenAt).toBe(100), { timeout: 5_000 });
      await a.devices.touch('w1', { lastSeenAt: 200 });
      await a.devices.put(device());
      await a.flush();
      expect((await b.devices.get('w1'))?.lastSeenAt).toBeUndefined();
    });

    it('counters: accepted and duplicates are read back at once by their writer, by others after a flush', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix, { flushMs: 60_000 });
      const b = await instance(prefix);
      await a.counters.addAccepted('w1', 2);
      await a.counters.addAccepted('w1', 3);
      await a.counters.addDuplicates('w1', 1);
      await a.counters.addRejected('w1', 'schema_violation');
      expect(await a.counters.get('w1')).toEqual({ accepted: 5, duplicates: 1, rejected: { schema_violation: 1 } });
      // Rejections are written at once; the rest waits for the write-out.
      expect(await b.counters.get('w1')).toEqual({ accepted: 0, duplicates: 0, rejected: { schema_violation: 1 } });
      await a.flush();
      expect(await b.counters.get('w1')).toEqual({ accepted: 5, duplicates: 1, rejected: { schema_violation: 1 } });
      expect(await a.counters.get('w1')).toEqual({ accepted: 5, duplicates: 1, rejected: { schema_violation: 1 } });
      await a.counters.addAccepted('w1', 4);
      await a.close();
      expect((await b.counters.get('w1')).accepted).toBe(9);
    });

    it('a lost subscriber connection drops the whole cache: a change it may have missed is read again', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix);
      await a.devices.put(device());
      await cachedSnapshot(a, prefix, 'w1');
      // A change A hears nothing of, as if its message had been lost.
      await writeBehindTheCachesBack(prefix, device({ zoneId: 'missed' }));
      expect((await a.devices.snapshot('w1'))?.zoneId).toBeUndefined();
      const client = raw();
      const nodes = client.isCluster ? (client as Cluster).nodes('all') : [client as Redis];
      await Promise.all(nodes.map((n) => n.client('KILL', 'TYPE', 'pubsub')));
      await vi.waitFor(async () => expect((await a.devices.snapshot('w1'))?.zoneId).toBe('missed'), {
        timeout: 10_000,
      });
      // And caching resumes once the subscription is back.
      await cachedSnapshot(a, prefix, 'w1');
    });

    it('forgetCached drops the cached device snapshots (a takeover of partitions)', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix);
      await a.devices.put(device());
      await cachedSnapshot(a, prefix, 'w1');
      await writeBehindTheCachesBack(prefix, device({ zoneId: 'by-the-previous-owner' }));
      a.devices.forgetCached?.();
      expect((await a.devices.snapshot('w1'))?.zoneId).toBe('by-the-previous-owner');
    });
  });
}
