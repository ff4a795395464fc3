import { silentLogger } from '@vigil/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import {
  createTsdbHistory,
  InfluxQLReader,
  type TsdbHistoryOptions,
  type TsdbVitalsHistory,
  TsdbError,
} from '../src/index.ts';
import { haveInfluxd, INFLUXD, INFLUXD_INSTALL_HINT, startInfluxd, type TsdbServer } from './tsdb-servers.ts';

/**
 * The InfluxQL reader against Debian's InfluxDB 1.x started privately: seeded through its v1
 * `/write?db=…&precision=ms`, read back through `/query`; then the whole history (writer, cache,
 * reader) round trip on the same server through the v1 write endpoint (1.6 has no `/api/v2/write`).
 */
const skip = requireBinary(INFLUXD, INFLUXD_INSTALL_HINT, 'tsdb reader tests');

const DB = 'vigil';
const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);

describe.skipIf(skip)('tsdb reader (InfluxDB 1.x)', () => {
  let influx: TsdbServer | undefined;
  const opened: TsdbVitalsHistory[] = [];

  async function influxql(q: string, db?: string) {
    const body = new URLSearchParams({ q, ...(db && { db }) });
    const res = await fetch(new URL('/query', influx!.url), { method: 'POST', body });
    expect(res.status).toBe(200);
    return res.json();
  }

  async function seed(lines: string[]) {
    const res = await fetch(new URL(`/write?db=${DB}&precision=ms`, influx!.url), {
      method: 'POST',
      body: lines.join('\n'),
    });
    expect(res.status, await res.text()).toBe(204);
  }

  beforeAll(async () => {
    // In CI a missing server is a failure, not a skip.
    if (!haveInfluxd) throw new Error(INFLUXD_INSTALL_HINT);
    influx = await startInfluxd();
    await influxql(`CREATE DATABASE ${DB}`);
    await seed([
      `vitals,facility=lakeside,resident=r1 hr=72,spo2=97,rr=16,sbp=128,dbp=81,temp=36.6,battery=88,steps=1200,consciousness="A",onOxygen=false,worn=true ${T0}`,
      `vitals,facility=lakeside,resident=r1 hr=80,worn=true ${T0 + 1_000}`,
      `vitals,facility=lakeside,resident=r1 spo2=91,onOxygen=true,consciousness="V" ${T0 + 2_000}`,
      `vitals,facility=lakeside,resident=r1 hr=84 ${T0 + 3_000}`,
      `vitals,facility=lakeside,resident=r2 hr=50 ${T0 + 1_000}`,
      // A quote in the id: nothing to escape in line protocol, everything in InfluxQL.
      `vitals,facility=lakeside,resident=o'brien hr=66,worn=false ${T0 + 500}`,
      `vitals,facility=lakeside,resident=a\\b hr=67 ${T0 + 600}`,
    ]);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  });

  afterAll(async () => {
    await influx?.stop();
  });

  const open = (opts: Partial<TsdbHistoryOptions> = {}) => {
    const h = createTsdbHistory({ url: influx!.url, database: DB, logger: silentLogger(), ...opts });
    opened.push(h);
    return h;
  };

  it('range: the points in [from, to], oldest first, every field with its type', async () => {
    const h = open();
    expect(await h.range('r1', T0, T0 + 3_000)).toEqual([
      {
        ts: T0,
        hr: 72,
        spo2: 97,
        rr: 16,
        sbp: 128,
        dbp: 81,
        temp: 36.6,
        battery: 88,
        steps: 1200,
        consciousness: 'A',
        onOxygen: false,
        worn: true,
      },
      { ts: T0 + 1_000, hr: 80, worn: true },
      { ts: T0 + 2_000, spo2: 91, onOxygen: true, consciousness: 'V' },
      { ts: T0 + 3_000, hr: 84 },
    ]);
    // Bounds are inclusive at both ends.
    expect((await h.range('r1', T0 + 1_000, T0 + 2_000)).map((p) => p.ts)).toEqual([T0 + 1_000, T0 + 2_000]);
    expect((await h.range('r1', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).length).toBe(4);
  });

  it('range: empty for an unknown resident, an empty window, a reversed window', async () => {
    const h = open();
    expect(await h.range('nobody', T0, T0 + 3_000)).toEqual([]);
    expect(await h.range('r1', T0 + 10_000, T0 + 20_000)).toEqual([]);
    expect(await h.range('r1', T0 + 3_000, T0)).toEqual([]);
  });

  it('a resident id with a quote or a backslash is escaped, and cannot widen the query', async () => {
    const h = open();
    expect(await h.range(`o'brien`, T0, T0 + 3_000)).toEqual([{ ts: T0 + 500, hr: 66, worn: false }]);
    expect((await h.latest(`o'brien`))?.values.hr).toEqual({ v: 66, ts: T0 + 500 });
    expect(await h.range('a\\b', T0, T0 + 3_000)).toEqual([{ ts: T0 + 600, hr: 67 }]);
    // Classic injections read nothing (no such resident) instead of r1's or everyone's data.
    expect(await h.range(`r1' OR resident='r2`, T0, T0 + 3_000)).toEqual([]);
    expect(await h.range(`x' OR '1'='1`, T0, T0 + 3_000)).toEqual([]);
    expect(await h.range(`x\\' OR 1=1 --`, T0, T0 + 3_000)).toEqual([]);
    expect(await h.latest(`r1' OR resident='r2`)).toBeUndefined();
  });

  it('latest: each field with the time of its own last value', async () => {
    const h = open();
    expect(await h.latest('r1')).toEqual({
      residentId: 'r1',
      values: {
        hr: { v: 84, ts: T0 + 3_000 },
        spo2: { v: 91, ts: T0 + 2_000 },
        rr: { v: 16, ts: T0 },
        sbp: { v: 128, ts: T0 },
        dbp: { v: 81, ts: T0 },
        temp: { v: 36.6, ts: T0 },
        battery: { v: 88, ts: T0 },
        steps: { v: 1200, ts: T0 },
      },
      consciousness: { v: 'V', ts: T0 + 2_000 },
      onOxygen: { v: true, ts: T0 + 2_000 },
      worn: { v: true, ts: T0 + 1_000 },
    });
    expect(await h.latest('nobody')).toBeUndefined();
  });

  it('reads long ranges in pages, equal timestamps of two series neither lost nor repeated', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) lines.push(`vitals,facility=east,resident=pager hr=${60 + i} ${T0 + i * 1_000}`);
    // Same resident and times in a second series (another facility tag), other fields.
    for (const i of [2, 3, 4]) lines.push(`vitals,facility=west,resident=pager spo2=${90 + i} ${T0 + i * 1_000}`);
    await seed(lines);
    // 1: every page is one timestamp; 2 and 3: pages end inside a tie; 100: one page.
    for (const pageSize of [1, 2, 3, 100]) {
      const reader = new InfluxQLReader({ url: influx!.url, database: DB, timeoutMs: 5_000, pageSize });
      const rows = await reader.range('pager', T0, T0 + 60_000);
      expect(rows, `pageSize ${pageSize}`).toHaveLength(13);
      expect(rows.map((p) => p.ts)).toEqual([...rows.map((p) => p.ts)].sort((a, b) => a - b));
      expect(rows.filter((p) => p.hr !== undefined).map((p) => p.hr)).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
      expect(rows.filter((p) => p.spo2 !== undefined).map((p) => p.spo2)).toEqual([92, 93, 94]);
    }
    // The history merges the two series' points of one time into one, as memory would hold one sample.
    const h = open({ queryPageSize: 3 });
    const merged = await h.range('pager', T0, T0 + 60_000);
    expect(merged).toHaveLength(10);
    expect(merged[3]).toEqual({ ts: T0 + 3_000, hr: 63, spo2: 93 });
  });

  it('a database that does not exist yet reads as empty; a bad query is a coded error', async () => {
    const h = createTsdbHistory({ url: influx!.url, database: 'not_created', logger: silentLogger() });
    opened.push(h);
    expect(await h.range('r1', T0, T0 + 3_000)).toEqual([]);
    expect(await h.latest('r1')).toBeUndefined();
    expect(h.stats().readFailures).toBe(0);

    const reader = new InfluxQLReader({ url: influx!.url, database: DB, timeoutMs: 5_000, pageSize: 10 });
    const err = await reader.query(['SELEC nothing']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsdbError);
    expect(err).toMatchObject({ code: 'tsdb_query_failed', status: 400 });
  });

  it('the whole history: visible at once from buffer and cache, then from the TSDB alone', async () => {
    const h = open({ writeApi: 'v1', flushIntervalMs: 60_000, facilityOf: () => 'lakeside' });
    // The stores conformance scenario: a late point never replaces newer values.
    await h.append('rt', { ts: T0 + 2_000, hr: 80, worn: true });
    await h.append('rt', { ts: T0 + 1_000, hr: 70, spo2: 96, consciousness: 'A' });
    const expected = {
      residentId: 'rt',
      values: { hr: { v: 80, ts: T0 + 2_000 }, spo2: { v: 96, ts: T0 + 1_000 } },
      consciousness: { v: 'A', ts: T0 + 1_000 },
      worn: { v: true, ts: T0 + 2_000 },
    };
    // Nothing has reached the TSDB yet (60 s interval): the buffer and the cache answer.
    expect(h.stats()).toMatchObject({ pending: 2, written: 0 });
    expect(await h.latest('rt')).toEqual(expected);
    expect((await h.range('rt', 0, T0 + 5_000)).map((p) => p.ts)).toEqual([T0 + 1_000, T0 + 2_000]);

    await h.flush();
    expect(h.stats()).toMatchObject({ pending: 0, written: 2, failed: 0 });
    // Another process (no cache, nothing buffered) reads the same from the TSDB.
    const other = open();
    expect(await other.latest('rt')).toEqual(expected);
    expect(await other.range('rt', 0, T0 + 5_000)).toEqual([
      { ts: T0 + 1_000, hr: 70, spo2: 96, consciousness: 'A' },
      { ts: T0 + 2_000, hr: 80, worn: true },
    ]);
    // …and a newer point appended here wins over what the TSDB has, before any flush.
    await h.append('rt', { ts: T0 + 9_000, hr: 99 });
    expect((await h.latest('rt'))?.values.hr).toEqual({ v: 99, ts: T0 + 9_000 });
    expect((await h.range('rt', 0, T0 + 10_000)).map((p) => p.hr)).toEqual([70, 80, 99]);
    const tags = await influxql(`SHOW TAG VALUES FROM vitals WITH KEY = facility WHERE resident = 'rt'`, DB);
    expect(JSON.stringify(tags)).toContain('lakeside');
  });

  it('the v2 endpoint on InfluxDB 1.6 (it has none): a 404, counted, never thrown into append', async () => {
    const h = open({ writeApi: 'v2', bucket: DB, maxRetries: 2, retryDelayMs: 20 });
    for (let i = 0; i < 5; i++) await h.append('v2-on-1.6', { ts: T0 + i, hr: 70 });
    await h.flush();
    // A 4xx is not retried by the client: one failed request, five lines given up.
    expect(h.stats()).toMatchObject({ written: 0, failed: 5, failedRequests: 1, pending: 0 });
    expect(await open().range('v2-on-1.6', T0, T0 + 10)).toEqual([]);
  });
});
