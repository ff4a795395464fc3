import { randomBytes } from 'node:crypto';
import type { Alert, LoggedEvent, Task } from '@vigil/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import {
  compareEventIds,
  ConflictError,
  createRedisStores,
  LockTimeoutError,
  type RedisClient,
  type RedisStores,
  type RedisStoresOptions,
  type RedisTarget,
} from '../src/index.ts';
import { auditChainConformance } from './audit-conformance.ts';
import { boundedStateConformance } from './bounded-conformance.ts';
import { storeConformance } from './conformance.ts';
import { redisAuditSuite } from './redis-audit-suite.ts';
import { entityCacheSuite } from './redis-cache-suite.ts';

/** A private Redis, single or cluster, as the suite needs it. */
export interface RedisFixture {
  /** What `createRedisStores` connects to. */
  target: RedisTarget;
  /** A raw client of its own (the suite closes it). */
  connect(): RedisClient;
  stop(): Promise<void>;
}

const KEK = randomBytes(32);

/**
 * The Redis stores against a real server (STYLE.md §10), run for a single redis-server and for a
 * Redis Cluster alike: the shared conformance suite, plain and with encryption at rest, then what only
 * a shared server can show: several instances (as several processes would, each with its own
 * connections) on the same keys.
 */
export function redisStoreSuite(
  name: string,
  start: () => Promise<RedisFixture>,
  /** Also the conformance suite with encryption on (encryption.int.test.ts does it for a single server). */
  { encrypted = false }: { encrypted?: boolean } = {},
): void {
  let server: RedisFixture | undefined;
  let client: RedisClient | undefined;
  const opened: RedisStores[] = [];
  let runs = 0;
  /** Every test gets keys of its own on the one server. */
  const freshPrefix = () => `vigil-test-${++runs}:`;

  beforeAll(async () => {
    server = await start();
    client = server.connect();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  /** Stores on the shared client (the conformance suite's `make`). */
  const onClient = async (now: () => number) => {
    const s = await createRedisStores(client!, { keyPrefix: freshPrefix(), now });
    opened.push(s);
    return s;
  };

  /** Stores with connections of their own, as another process would have. */
  const instance = async (keyPrefix: string, opts: RedisStoresOptions = {}) => {
    const s = await createRedisStores(server!.target, { keyPrefix, ...opts });
    opened.push(s);
    return s;
  };

  storeConformance(name, onClient);
  boundedStateConformance(name, onClient);
  auditChainConformance(name, onClient);
  if (encrypted) {
    storeConformance(`${name}, encrypted`, async (now) => {
      const s = await createRedisStores(client!, { keyPrefix: freshPrefix(), now, encryption: { kek: KEK } });
      opened.push(s);
      return s;
    });
  }

  entityCacheSuite(instance, freshPrefix, () => client!);
  redisAuditSuite(instance, freshPrefix, () => client!);

  describe('across instances on one server', () => {
    it('page indexes are built once over alerts, tasks and warnings stored before they existed', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix);
      const at = '2026-01-01T00:00:00.000Z';
      await a.alerts.put({
        id: 'al1',
        facilityId: 'f1',
        kind: 'sos',
        priority: 'high',
        state: 'active',
        title: 'SOS',
        explanation: { rule: 'r', inputs: {}, condition: 'c' },
        raisedAt: at,
        lastSeenAt: at,
        occurrences: 1,
        escalationLevel: 0,
      });
      await a.tasks.put({
        id: 't1',
        facilityId: 'f1',
        kind: 'onsite_check',
        role: 'caregiver',
        priority: 'high',
        state: 'open',
        createdAt: at,
        acceptBy: at,
        completeBy: at,
        escalationLevel: 0,
      });
      await a.slaWarnings.put({
        id: 'w1',
        facilityId: 'f1',
        kind: 'accept_overdue',
        limitMs: 1,
        detail: 'd',
        raisedAt: at,
      });
      // As a deployment from before issue 12 left them: bodies without page indexes or markers.
      // On a cluster the keys sit on several masters: KEYS asks each.
      const nodes = client!.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
      const pageKeys = (await Promise.all(nodes.map((n) => n.keys(`${prefix}*pag*`)))).flat();
      expect(pageKeys.length).toBeGreaterThan(0);
      for (const key of pageKeys) await client!.del(key);
      expect((await a.alerts.page({}, { limit: 5 })).items).toEqual([]);

      const b = await instance(prefix);
      expect((await b.alerts.page({ facilityIds: ['f1'] }, { limit: 5 })).items.map((x) => x.id)).toEqual(['al1']);
      expect((await b.tasks.page({ facilityIds: ['f1'] }, { limit: 5 })).items.map((x) => x.id)).toEqual(['t1']);
      expect((await b.slaWarnings.page({}, { limit: 5 })).items.map((x) => x.id)).toEqual(['w1']);
    });

    it('concurrent claimDue from two instances hands out every due deadline exactly once', async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      const n = 300;
      for (let i = 0; i < n; i++) {
        await a.deadlines.schedule({ id: `d${i}`, dueAt: 1_000 + (i % 37), facilityId: 'f1', kind: 'task_accept' });
      }
      await b.deadlines.schedule({ id: 'future', dueAt: 50_000, facilityId: 'f1', kind: 'alert_ack' });

      const claimAll = async (s: RedisStores, limit: number) => {
        const got: { id: string; claim: string; attempts: number; by: RedisStores }[] = [];
        for (;;) {
          const batch = await s.deadlines.claimDue(10_000, limit, 60_000);
          if (batch.length === 0) return got;
          for (const d of batch) got.push({ id: d.id, claim: d.claim ?? '', attempts: d.attempts ?? 0, by: s });
        }
      };
      // Two workers per instance, small and odd batch sizes, all racing.
      const batches = await Promise.all([claimAll(a, 3), claimAll(b, 5), claimAll(a, 7), claimAll(b, 1)]);
      const all = batches.flat();
      expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
      expect(all.map((d) => d.id).sort()).toEqual(Array.from({ length: n }, (_, i) => `d${i}`).sort());
      expect(all.every((d) => d.attempts === 1)).toBe(true);
      expect(new Set(all.map((d) => d.claim)).size).toBe(n);
      // Every worker got some: they really raced.
      expect(batches.every((xs) => xs.length > 0)).toBe(true);

      // `done` from the other instance works with the claim token alone.
      for (const d of all) await (d.by === a ? b : a).deadlines.done(d.id, d.claim);
      expect((await a.deadlines.list()).map((d) => d.id)).toEqual(['future']);
    });

    it("a worker that died holding a claim: another instance re-claims it after the lease, the dead one's done is void", async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      await a.deadlines.schedule({ id: 'x', dueAt: 1_000, facilityId: 'f1', kind: 'task_accept', taskId: 't1' });
      const [first] = await a.deadlines.claimDue(1_000, 10, 5_000);
      expect(first).toMatchObject({ id: 'x', attempts: 1 });
      expect(await b.deadlines.claimDue(5_999, 10, 5_000)).toEqual([]);
      const [second] = await b.deadlines.claimDue(6_000, 10, 5_000);
      expect(second).toMatchObject({ id: 'x', taskId: 't1', attempts: 2 });
      await a.deadlines.done('x', first?.claim ?? '');
      expect((await b.deadlines.list()).map((d) => d.id)).toEqual(['x']);
      await b.deadlines.done('x', second?.claim ?? '');
      expect(await a.deadlines.list()).toEqual([]);
    });

    it('locks: two instances on their own connections exclude each other on a key', async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      let active = 0;
      let maxActive = 0;
      let total = 0;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 === 0 ? a : b).locks.run('alert:f1|r1|sos', async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            // A read-modify-write across an await: interleaved, some increments would be lost.
            const read = total;
            await new Promise((r) => setTimeout(r, 2));
            total = read + 1;
            active--;
          }),
        ),
      );
      expect(maxActive).toBe(1);
      expect(total).toBe(30);
    });

    it('locks: a holder whose connection died without releasing is taken over after the lease', async () => {
      const prefix = freshPrefix();
      const doomed = server!.connect();
      const a = await createRedisStores(doomed, { keyPrefix: prefix, locks: { leaseMs: 300 } });
      opened.push(a);
      const b = await instance(prefix);
      let entered!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      let finish!: () => void;
      const held = a.locks.run('k', async () => {
        entered();
        await new Promise<void>((r) => {
          finish = r;
        });
      });
      await inside;
      const since = Date.now();
      doomed.disconnect();
      expect(await b.locks.run('k', async () => 'taken over')).toBe('taken over');
      // Not before the lease ran out (less a little scheduling slack), and not much after.
      const waited = Date.now() - since;
      expect(waited).toBeGreaterThanOrEqual(200);
      expect(waited).toBeLessThan(3_000);
      finish();
      // The dead holder's release never reaches Redis: on a single Redis it fails (connection closed);
      // an ioredis Cluster keeps it queued after `disconnect()`, so it is not awaited.
      void held.catch(() => undefined);
    });

    it('locks: renewal keeps a lock held past its lease while fn runs; the acquire timeout names the key', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix, { locks: { leaseMs: 150 } });
      const b = await instance(prefix, { locks: { leaseMs: 150 } });
      const impatient = await instance(prefix, { locks: { acquireTimeoutMs: 100 } });
      const log: string[] = [];
      let entered!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      const held = a.locks.run('k', async () => {
        entered();
        log.push('a in');
        await new Promise((r) => setTimeout(r, 700));
        log.push('a out');
      });
      await inside;
      const err = await impatient.locks.run('k', async () => log.push('impatient')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockTimeoutError);
      expect(err).toMatchObject({ code: 'lock_timeout', message: expect.stringContaining('lock k ') });
      await b.locks.run('k', async () => {
        log.push('b in');
      });
      await held;
      expect(log).toEqual(['a in', 'a out', 'b in']);
    });

    it("one instance's subscribe receives the other's appends, in log order, with their payloads", async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      const seenA: LoggedEvent[] = [];
      const seenB: LoggedEvent[] = [];
      a.events.subscribe((e) => seenA.push(e));
      const offB = b.events.subscribe((e) => seenB.push(e));
      const data = (i: number) => ({ id: `al_${i}`, facilityId: 'f1', n: i }) as unknown as Alert;
      // A tail begins at the end of the log when it has connected (a cluster's tail finds the slots
      // and a node first, which a loaded machine may take seconds for): both must be reading before
      // the events under test, so each instance's warm-up event is awaited on the other's tail.
      await a.events.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data: data(-1) });
      const warmB = await b.events.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data: data(-2) });
      await vi.waitFor(() => expect(seenA.map((e) => e.envelope.id)).toContain(warmB.envelope.id), { timeout: 15_000 });
      await vi.waitFor(() => expect(seenB.map((e) => e.envelope.id)).toContain(warmB.envelope.id), { timeout: 15_000 });
      seenA.length = 0;
      seenB.length = 0;
      const appended: LoggedEvent[] = [];
      // Sequential appends alternating between the instances, then bursts from both at once.
      for (let i = 0; i < 40; i++) {
        const s = i % 3 === 0 ? a : b;
        appended.push(await s.events.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data: data(i) }));
      }
      const burst = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          (i % 2 ? a : b).events.append({
            event: 'alert',
            type: 'alert.updated',
            facilityId: 'f2',
            data: data(100 + i),
          }),
        ),
      );
      appended.push(...burst);
      const expected = [...appended].sort((x, y) => compareEventIds(x.envelope.id, y.envelope.id));

      await vi.waitFor(() => expect(seenA).toHaveLength(expected.length), { timeout: 10_000 });
      await vi.waitFor(() => expect(seenB).toHaveLength(expected.length), { timeout: 10_000 });
      expect(seenA).toEqual(expected);
      expect(seenB).toEqual(expected);
      for (let i = 1; i < seenA.length; i++) {
        expect(compareEventIds(seenA[i]!.envelope.id, seenA[i - 1]!.envelope.id)).toBeGreaterThan(0);
      }
      // Replay agrees with the live tail.
      expect((await b.events.readAfter(warmB.envelope.id)).events).toEqual(expected);

      // After unsubscribing, B's listener hears nothing more; A's still does.
      offB();
      const late = await b.events.append({ event: 'alert', type: 'alert.resolved', facilityId: 'f1', data: data(999) });
      await vi.waitFor(() => expect(seenA.at(-1)?.envelope.id).toBe(late.envelope.id));
      expect(seenB).toHaveLength(expected.length);
    });

    it('the same username created at once from two instances: exactly one wins, the other gets ConflictError', async () => {
      const prefix = freshPrefix();
      const [a, b] = [await instance(prefix), await instance(prefix)];
      const user = (id: string) => ({
        id,
        username: 'WardNurse',
        name: id,
        role: 'caregiver' as const,
        facilityIds: ['f1'],
        onDuty: true,
        passwordHash: 'h',
      });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).users.put(user(`u${i}`))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
      expect(await a.users.count()).toBe(1);
      expect((await b.users.getByUsername('wardnurse'))?.username).toBe('WardNurse');
    });
  });

  describe('redis-specific bounds', () => {
    it('event log: retention trims by device clock, exactly; a replay from before a trimmed event is incomplete', async () => {
      let now = 1_000;
      const s = await createRedisStores(client!, {
        keyPrefix: freshPrefix(),
        now: () => now,
        events: { retentionMs: 60_000 },
      });
      opened.push(s);
      const data = { id: 'a' } as unknown as Alert;
      const ids: string[] = [];
      for (let i = 0; i < 400; i++) {
        ids.push(
          (await s.events.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data })).envelope.id,
        );
        now += 10; // ids[i] is at 1_000 + 10 i ms
      }
      expect(await s.events.readAfter('0-0', 1)).toMatchObject({
        complete: true,
        events: [{ envelope: { id: ids[0] } }],
      });

      // 60 s after 3_000: everything before 3_000 goes (ids[0..199]), the rest stays.
      now = 63_000;
      const mid = await s.events.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data });
      const all = await s.events.readAfter('0-0');
      expect(all.complete).toBe(false);
      expect(all.events.map((e) => e.envelope.id)).toEqual([...ids.slice(200), mid.envelope.id]);
      expect((await s.events.readAfter(ids[198]!)).complete).toBe(false);
      // Whoever saw the newest trimmed event missed nothing.
      const fromNewestTrimmed = await s.events.readAfter(ids[199]!);
      expect(fromNewestTrimmed.complete).toBe(true);
      expect(fromNewestTrimmed.events).toHaveLength(201);

      // Long after: only the new event is left; lastId is the newest.
      now = 500_000;
      const last = await s.events.append({ event: 'alert', type: 'alert.resolved', facilityId: 'f1', data });
      expect((await s.events.readAfter(ids[399]!)).complete).toBe(false);
      expect(await s.events.readAfter(mid.envelope.id)).toMatchObject({
        complete: true,
        events: [{ envelope: last.envelope }],
      });
      expect(await s.events.lastId()).toBe(last.envelope.id);
      expect(await s.events.readAfter(last.envelope.id)).toEqual({ events: [], complete: true });

      // A clock that goes back never yields an id below the last one.
      now = 5;
      const again = await s.events.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data });
      expect(compareEventIds(again.envelope.id, last.envelope.id)).toBeGreaterThan(0);
      // A malformed client id replays from the start rather than failing.
      expect((await s.events.readAfter('not-an-id', 1)).events.map((e) => e.envelope.id)).toEqual([last.envelope.id]);
    });

    it('event log: the optional count cap trims the oldest and reports it', async () => {
      const s = await createRedisStores(client!, { keyPrefix: freshPrefix(), events: { maxEvents: 5 } });
      opened.push(s);
      const data = { id: 'a' } as unknown as Alert;
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push(
          (await s.events.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data })).envelope.id,
        );
      }
      const all = await s.events.readAfter('0-0');
      expect(all.complete).toBe(false);
      expect(all.events.map((e) => e.envelope.id)).toEqual(ids.slice(3));
      expect((await s.events.readAfter(ids[2]!)).complete).toBe(true);
      expect((await s.events.readAfter(ids[1]!)).complete).toBe(false);
    });

    it('vitals history keeps the newest points by device time up to the per-resident capacity', async () => {
      const s = await createRedisStores(client!, { keyPrefix: freshPrefix(), vitalsCapacityPerResident: 5 });
      opened.push(s);
      for (const ts of [1_000, 2_000, 3_000, 7_000, 5_000, 6_000, 4_000, 500]) {
        await s.vitals.append('r1', { ts, hr: ts / 100 });
      }
      // Two points at one instant are both kept, in arrival order.
      await s.vitals.append('r1', { ts: 6_000, hr: 61 });
      expect((await s.vitals.range('r1', 0, 10_000)).map((p) => [p.ts, p.hr])).toEqual([
        [4_000, 40],
        [5_000, 50],
        [6_000, 60],
        [6_000, 61],
        [7_000, 70],
      ]);
      expect((await s.vitals.latest('r1'))?.values.hr).toEqual({ v: 70, ts: 7_000 });
      expect(await s.vitals.range('r1', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toHaveLength(5);
      await s.vitals.append('r2', { ts: 1 });
      expect(await s.vitals.latest('r2')).toEqual({ residentId: 'r2', values: {} });
    });

    it('tasks: lists by alert and active state come from indexes, backfilled over tasks stored before them', async () => {
      const prefix = freshPrefix();
      const a = await instance(prefix);
      const task = (id: string, alertId: string, state: Task['state']): Task => ({
        id,
        facilityId: 'f1',
        kind: 'onsite_check',
        role: 'caregiver',
        priority: 'high',
        state,
        alertId,
        createdAt: new Date(1_000 + Number(id.slice(1))).toISOString(),
        acceptBy: new Date(61_000).toISOString(),
        completeBy: new Date(961_000).toISOString(),
        escalationLevel: 0,
      });
      await a.tasks.put(task('t1', 'al1', 'assigned'));
      await a.tasks.put(task('t2', 'al1', 'done'));
      await a.tasks.put(task('t3', 'al2', 'accepted'));
      // As if written by a version without the indexes.
      await client!.del(
        `${prefix}{tasks}:active`,
        `${prefix}{tasks}:alert:al1`,
        `${prefix}{tasks}:alert:al2`,
        `${prefix}{tasks}:indexed`,
      );
      const b = await instance(prefix);
      const ids = (ts: Task[]) => ts.map((t) => t.id);
      expect(ids(await b.tasks.list({ alertId: 'al1' }))).toEqual(['t1', 't2']);
      expect(ids(await b.tasks.list({ state: 'active' }))).toEqual(['t1', 't3']);
      // A task leaving the active states leaves the index; lists never show what the filter excludes.
      await b.tasks.put({ ...task('t3', 'al2', 'done') });
      expect(ids(await a.tasks.list({ state: 'active' }))).toEqual(['t1']);
      expect(await client!.smembers(`${prefix}{tasks}:active`)).toEqual(['t1']);
      expect(ids(await a.tasks.list({ alertId: 'al3' }))).toEqual([]);
    });

    it('devices: touch keeps the live fields apart from the record and a put resets them', async () => {
      const s = await onClient(Date.now);
      const device = {
        id: 'd:1',
        kind: 'wearable' as const,
        facilityId: 'f1',
        secretHash: 'h',
        state: 'provisioned' as const,
        battery: 90,
        createdAt: 1,
      };
      await s.devices.put(device);
      await s.devices.touch('d:1', { state: 'online', lastSeenAt: 10, battery: undefined });
      expect(await s.devices.get('d:1')).toEqual({ ...device, state: 'online', lastSeenAt: 10, battery: undefined });
      expect(await s.devices.list({ facilityId: 'f1' })).toEqual([
        { ...device, state: 'online', lastSeenAt: 10, battery: undefined },
      ]);
      await s.devices.put(device);
      expect(await s.devices.get('d:1')).toEqual(device);
    });
  });
}
