import { randomBytes } from 'node:crypto';
import { requireBinary } from '@vigil/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONSENT } from '@vigil/contracts';
import { createRedisStores, type RedisStores, type RedisStoresOptions } from '../src/index.ts';
import { MemoryVitalsHistory } from '../src/memory/vitals-history.ts';
import type { VitalsPoint } from '../src/types.ts';
import { REDIS_INSTALL_HINT, REDIS_SERVER, type RedisServer, startRedisServer } from './redis-server.ts';

const skip = requireBinary(REDIS_SERVER, REDIS_INSTALL_HINT, 'vitals write-behind');

/**
 * The Redis vitals history writes behind (issue 12): points wait in process and go out together.
 * What that must not change: this process reads its own writes, order and capacity are those of the
 * memory ring, and nothing buffered is lost on `flush()`, `close()` or a checkpoint.
 */
describe.skipIf(skip)('redis vitals history, write-behind', () => {
  let server: RedisServer;
  let raw: Redis;
  const opened: RedisStores[] = [];
  let runs = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    raw?.disconnect();
    await server?.stop();
  });

  /** Two instances on the same keys, as two processes: `a` writes, `b` looks from outside. */
  const pair = async (opts: RedisStoresOptions = {}) => {
    const keyPrefix = `wb-${++runs}:`;
    // Long enough never to fire within a test unless it says so.
    const a = await createRedisStores(server.url, { keyPrefix, flushMs: 60_000, ...opts });
    const b = await createRedisStores(server.url, { keyPrefix, ...opts });
    opened.push(a, b);
    return { a, b, keyPrefix };
  };

  it('reads its own buffered points; others see them after flush()', async () => {
    const { a, b } = await pair();
    await a.vitals.append('r1', { ts: 2000, hr: 80, worn: true });
    await a.vitals.append('r1', { ts: 1000, hr: 70, spo2: 96 });
    expect((await a.vitals.range('r1', 0, 5000)).map((p) => p.ts)).toEqual([1000, 2000]);
    expect(await a.vitals.latest('r1')).toEqual({
      residentId: 'r1',
      values: { hr: { v: 80, ts: 2000 }, spo2: { v: 96, ts: 1000 } },
      worn: { v: true, ts: 2000 },
    });
    expect(await b.vitals.range('r1', 0, 5000)).toEqual([]);
    expect(await b.vitals.latest('r1')).toBeUndefined();

    await a.flush();
    expect(await b.vitals.range('r1', 0, 5000)).toEqual(await a.vitals.range('r1', 0, 5000));
    expect(await b.vitals.latest('r1')).toEqual(await a.vitals.latest('r1'));
  });

  it('writes out on its own within flushMs, and on close()', async () => {
    const { a, b, keyPrefix } = await pair({ flushMs: 50 });
    await a.vitals.append('r1', { ts: 1000, hr: 70 });
    await vi.waitFor(async () => expect(await b.vitals.range('r1', 0, 5000)).toHaveLength(1));

    const c = await createRedisStores(server.url, { keyPrefix, flushMs: 60_000 });
    await c.vitals.append('r2', { ts: 1000, hr: 71 });
    await c.close();
    expect(await b.vitals.latest('r2')).toEqual({ residentId: 'r2', values: { hr: { v: 71, ts: 1000 } } });
  });

  // The engine flushes the stores before it saves a checkpoint (partition-manager.test.ts), so a
  // checkpoint never claims records whose points are only in the process.
  it('writes buffered points out on the stores flush', async () => {
    const { a, b } = await pair();
    await a.vitals.append('r1', { ts: 1000, hr: 70 });
    expect(await b.vitals.range('r1', 0, 5000)).toEqual([]);
    await a.flush();
    expect((await b.vitals.range('r1', 0, 5000)).map((p) => p.hr)).toEqual([70]);
  });

  it('keeps the order and capacity of the memory ring, before and after a write-out', async () => {
    const capacity = 5;
    const { a, b } = await pair({ vitalsCapacityPerResident: capacity });
    const memory = new MemoryVitalsHistory(capacity);
    const append = async (p: VitalsPoint) => {
      await a.vitals.append('r1', p);
      await memory.append('r1', p);
    };
    const same = async (from: number, to: number) => {
      const want = await memory.range('r1', from, to);
      expect(await a.vitals.range('r1', from, to)).toEqual(want);
      expect(await a.vitals.latest('r1')).toEqual(await memory.latest('r1'));
    };
    for (const ts of [1000, 3000, 5000, 7000]) await append({ ts, hr: ts / 100 });
    await a.flush();
    // Buffered on top of what is stored: late points, equal times, more than the capacity in all.
    await append({ ts: 2000, hr: 1 });
    await append({ ts: 5000, hr: 2 });
    await append({ ts: 9000, hr: 3, spo2: 95 });
    await append({ ts: 500, hr: 4 });
    await append({ ts: 5000, hr: 5 });
    for (const [from, to] of [
      [0, 10_000],
      [0, 2500],
      [5000, 5000],
      [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    ] as const)
      await same(from, to);
    await a.flush();
    await same(0, 10_000);
    expect(await b.vitals.range('r1', 0, 10_000)).toEqual(await memory.range('r1', 0, 10_000));
    // More buffered than the capacity on its own.
    for (let i = 0; i < 8; i++) await append({ ts: 20_000 + i, hr: 100 + i });
    await same(0, 30_000);
    await a.flush();
    expect(await b.vitals.range('r1', 0, 30_000)).toEqual(await memory.range('r1', 0, 30_000));
  });

  it('trims buffered points by age too', async () => {
    const { a } = await pair();
    for (let i = 0; i < 5; i++) await a.vitals.append('r1', { ts: 1000 * (i + 1), hr: 70 + i });
    expect(await a.vitals.trimBefore?.('r1', 4000)).toBe(3);
    expect((await a.vitals.range('r1', 0, 10_000)).map((p) => p.hr)).toEqual([73, 74]);
  });

  // An import taken back (issue 15): nothing of the resident may land later, written out or buffered.
  it('erases a resident: points written out, buffered and in a write-out under way, and the latest values', async () => {
    const { a, b } = await pair();
    await a.vitals.append('r1', { ts: 1000, hr: 70 });
    await a.vitals.append('r2', { ts: 1000, hr: 90 });
    await a.flush();
    await a.vitals.append('r1', { ts: 2000, hr: 71 });
    const underWay = a.flush();
    await a.vitals.append('r1', { ts: 3000, hr: 72 });
    await a.vitals.erase?.('r1');
    await underWay;
    await a.flush();
    for (const s of [a, b]) {
      expect(await s.vitals.range('r1', 0, 10_000)).toEqual([]);
      expect(await s.vitals.latest('r1')).toBeUndefined();
      // Another resident's history is untouched.
      expect(await s.vitals.range('r2', 0, 10_000)).toHaveLength(1);
    }
    const memory = new MemoryVitalsHistory();
    await memory.append('r1', { ts: 1000, hr: 70 });
    await memory.erase('r1');
    expect(await memory.range('r1', 0, 10_000)).toEqual([]);
    expect(await memory.latest('r1')).toBeUndefined();
  });

  it('writes a resident’s buffered points in one script call, the latest values sealed once for all fields', async () => {
    const { a, b, keyPrefix } = await pair({ encryption: { kek: randomBytes(32) } });
    await a.residents.put({
      id: 'r1',
      facilityId: 'f1',
      name: 'Ada',
      zoneId: 'z',
      roomId: 'x',
      carePlan: {},
      consent: DEFAULT_CONSENT,
    });
    const latestKey = `${keyPrefix}{r:r1}:vitals:latest`;
    const sharedObjects = async () =>
      Object.keys(await raw.hgetall(latestKey))
        .filter((k) => k.startsWith('_b'))
        .sort();

    for (let i = 0; i < 50; i++) await a.vitals.append('r1', { ts: 1000 + i, hr: 60 + i, worn: true });
    const before = await evalCalls();
    await a.flush();
    expect((await evalCalls()) - before).toBe(1);
    // Every newest value is of the last point: the fields refer to its sealed JSON, no seal of their own.
    const latest = await raw.hgetall(latestKey);
    expect(latest.hr).toBe('@_b50');
    expect(latest.worn).toBe('@_b50');
    expect(latest._b50).toMatch(/^p\|enc1:1:f1:/);
    expect(latest['hr:ts']).toBe('1049');
    const read = await b.vitals.range('r1', 0, 5000);
    expect(read.map((p) => p.hr)).toEqual(Array.from({ length: 50 }, (_, i) => 60 + i));
    expect(await b.vitals.latest('r1')).toEqual({
      residentId: 'r1',
      values: { hr: { v: 109, ts: 1049 } },
      worn: { v: true, ts: 1049 },
    });

    // Newest values from several points: an object of their own; objects nobody refers to go.
    await a.vitals.append('r1', { ts: 2000, spo2: 95 });
    await a.vitals.append('r1', { ts: 1990, hr: 80 });
    await a.flush();
    expect((await raw.hgetall(latestKey))._b52).toMatch(/^l\|enc1:1:f1:/);
    expect(await sharedObjects()).toEqual(['_b50', '_b52']);
    await a.vitals.append('r1', { ts: 3000, worn: false });
    await a.flush();
    expect(await sharedObjects()).toEqual(['_b52', '_b53']);
    expect(await b.vitals.latest('r1')).toEqual({
      residentId: 'r1',
      values: { hr: { v: 80, ts: 1990 }, spo2: { v: 95, ts: 2000 } },
      worn: { v: false, ts: 3000 },
    });
    // A late point older than every latest value refers to nothing and leaves no object.
    await a.vitals.append('r1', { ts: 10, hr: 1, spo2: 1, worn: true });
    await a.flush();
    expect(await sharedObjects()).toEqual(['_b52', '_b53']);
  });

  /** Script calls the server ran so far (EVALSHA and EVAL, `INFO commandstats`). */
  async function evalCalls(): Promise<number> {
    const info = await raw.info('commandstats');
    let calls = 0;
    for (const m of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) calls += Number(m[1]);
    return calls;
  }
});
