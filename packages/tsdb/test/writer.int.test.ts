import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { silentLogger } from '@vigil/runtime';
import type { VitalsPoint } from '@vigil/stores';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import { createTsdbHistory, type TsdbHistoryOptions, type TsdbVitalsHistory } from '../src/index.ts';
import {
  haveVictoriaMetrics,
  startVictoriaMetrics,
  type TsdbServer,
  VICTORIA_METRICS,
  VICTORIA_METRICS_INSTALL_HINT,
} from './tsdb-servers.ts';

/**
 * The writer against Debian's VictoriaMetrics started privately (it accepts the client's
 * `/api/v2/write`), checked through its `/api/v1/export`: every point and field with its timestamp,
 * batches, close() flushing, and a TSDB that is down costing counted failures, never an exception.
 * VictoriaMetrics stores `<measurement>_<field>` series of numbers: booleans become 1/0 and the
 * consciousness string has no value there (InfluxDB keeps it: see reader.int.test.ts).
 */
const skip = requireBinary(VICTORIA_METRICS, VICTORIA_METRICS_INSTALL_HINT, 'tsdb writer tests');

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

describe.skipIf(skip)('tsdb writer (VictoriaMetrics)', () => {
  let vm: TsdbServer | undefined;
  const opened: TsdbVitalsHistory[] = [];
  let runs = 0;
  /** Every test writes residents of its own into the one server. */
  const fresh = (name: string) => `${name}-${++runs}`;
  const base = Date.now() - 3_600_000;

  beforeAll(async () => {
    // In CI a missing server is a failure, not a skip.
    if (!haveVictoriaMetrics) throw new Error(VICTORIA_METRICS_INSTALL_HINT);
    vm = await startVictoriaMetrics();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  });

  afterAll(async () => {
    await vm?.stop();
  });

  const open = (opts: Partial<TsdbHistoryOptions> = {}) => {
    const h = createTsdbHistory({ url: vm!.url, bucket: 'vigil', logger: silentLogger(), ...opts });
    opened.push(h);
    return h;
  };

  async function exported(residentId: string): Promise<Exported[]> {
    // VictoriaMetrics buffers ingested rows for up to a second before search sees them.
    expect((await fetch(new URL('/internal/force_flush', vm!.url))).status).toBe(200);
    const url = new URL('/api/v1/export', vm!.url);
    url.searchParams.set('match[]', `{__name__=~"vitals_.*",resident=${JSON.stringify(residentId)}}`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const text = await res.text();
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Exported);
  }

  /** field → ts → value, from the export of one resident. */
  async function byField(residentId: string) {
    const out = new Map<string, Map<number, number>>();
    for (const s of await exported(residentId)) {
      const field = s.metric.__name__!.slice('vitals_'.length);
      const m = out.get(field) ?? new Map<number, number>();
      s.timestamps.forEach((ts, i) => {
        m.set(ts, s.values[i]!);
      });
      out.set(field, m);
    }
    return out;
  }

  /**
   * A pass-through in front of the real server that records the lines of each write request: what
   * the batches looked like on the wire (VictoriaMetrics' own /metrics is cached for a second).
   */
  async function recordingProxy(target: string) {
    const batches: number[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        batches.push(
          body
            .toString()
            .split('\n')
            .filter((l) => l !== '').length,
        );
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'authorization']) {
          const v = req.headers[h];
          if (typeof v === 'string') headers[h] = v;
        }
        fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body })
          .then(async (up) => {
            res.writeHead(up.status);
            res.end(Buffer.from(await up.arrayBuffer()));
          })
          .catch(() => {
            res.writeHead(502);
            res.end();
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      batches,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('writes every point and field with its millisecond timestamp, tagged by resident and facility', async () => {
    const r = fresh('ada');
    const h = open({ facilityOf: (id) => (id === r ? 'lakeside' : undefined) });
    const points: VitalsPoint[] = [
      { ts: base + 1, hr: 72, spo2: 97, rr: 16, sbp: 128, dbp: 81, temp: 36.6, battery: 88, steps: 1200 },
      { ts: base + 1_001, hr: 75.5, consciousness: 'A', onOxygen: false, worn: true },
      { ts: base + 2_002, spo2: 91, onOxygen: true, worn: false },
    ];
    for (const p of points) await h.append(r, p);
    await h.flush();

    const fields = await byField(r);
    expect([...fields.keys()].sort()).toEqual(
      ['battery', 'consciousness', 'dbp', 'hr', 'onOxygen', 'rr', 'sbp', 'spo2', 'steps', 'temp', 'worn'].sort(),
    );
    for (const p of points) {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'ts') continue;
        const stored = fields.get(k)?.get(p.ts);
        if (typeof v === 'number') expect(stored, `${k}@${p.ts}`).toBe(v);
        else if (typeof v === 'boolean') expect(stored, `${k}@${p.ts}`).toBe(v ? 1 : 0);
        // A string field: VictoriaMetrics keeps the sample (timestamp) but cannot keep the text.
        else expect(fields.get(k)?.has(p.ts), `${k}@${p.ts}`).toBe(true);
      }
    }
    const series = await exported(r);
    expect(series.every((s) => s.metric.resident === r && s.metric.facility === 'lakeside')).toBe(true);
    expect(h.stats()).toMatchObject({ written: 3, failed: 0, dropped: 0, pending: 0 });
  });

  it('sends 2000 points in batches of 500', async () => {
    const r = fresh('batch');
    const proxy = await recordingProxy(vm!.url);
    try {
      const h = open({ url: proxy.url, batchSize: 500, flushIntervalMs: 60_000 });
      for (let i = 0; i < 2_000; i++) await h.append(r, { ts: base + i * 1_000, hr: 60 + (i % 40) });
      // Full batches leave at once, without waiting for the interval or a flush.
      await expect.poll(() => proxy.batches.length, { timeout: 5_000 }).toBe(4);
      await h.flush();
      expect(proxy.batches).toEqual([500, 500, 500, 500]);
      expect(h.stats()).toMatchObject({ written: 2_000, failed: 0, pending: 0 });
    } finally {
      await proxy.close();
    }
    const hr = (await byField(r)).get('hr');
    expect(hr?.size).toBe(2_000);
    for (let i = 0; i < 2_000; i++) expect(hr?.get(base + i * 1_000)).toBe(60 + (i % 40));
  });

  it('close() flushes what the batch interval still held', async () => {
    const r = fresh('close');
    const h = open({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) await h.append(r, { ts: base + i, hr: 70 + i });
    expect(h.stats().pending).toBe(10);
    await h.close();
    expect((await byField(r)).get('hr')?.size).toBe(10);
    expect(h.stats()).toMatchObject({ written: 10, pending: 0 });
    // Appends after close are counted, not thrown.
    await expect(h.append(r, { ts: base + 99, hr: 1 })).resolves.toBeUndefined();
    expect(h.stats().dropped).toBe(1);
  });

  it('the v1 endpoint writes the same lines and gives them a db label', async () => {
    const r = fresh('v1');
    const h = open({ writeApi: 'v1', database: 'vigil' });
    await h.append(r, { ts: base, hr: 61, worn: true });
    await h.flush();
    const series = await exported(r);
    expect(series.map((s) => s.metric.__name__).sort()).toEqual(['vitals_hr', 'vitals_worn']);
    expect(series.every((s) => s.metric.db === 'vigil')).toBe(true);
  });

  it('a TSDB that is down: append never throws or waits, failures are counted and logged without values', async () => {
    // A port nobody listens on: connection refused, a retryable error.
    const probe = await startVictoriaMetrics();
    const downUrl = probe.url;
    await probe.stop();
    const warnings: unknown[] = [];
    const logger = silentLogger();
    logger.warn = ((obj: unknown) => {
      warnings.push(obj);
    }) as typeof logger.warn;
    const h = createTsdbHistory({
      url: downUrl,
      bucket: 'vigil',
      maxRetries: 1,
      retryDelayMs: 20,
      flushIntervalMs: 60_000,
      logger: { child: () => logger } as unknown as typeof logger,
    });
    opened.push(h);

    const started = performance.now();
    for (let i = 0; i < 50; i++) await h.append('r-down', { ts: base + i, hr: 140 + i });
    expect(performance.now() - started).toBeLessThan(200);
    // Still readable as the newest values even though nothing reached the TSDB.
    expect((await h.range('r-down', base, base + 100).catch((e: unknown) => e)) as Error).toMatchObject({
      code: 'tsdb_unavailable',
    });
    expect((await h.latest('r-down'))?.values.hr).toEqual({ v: 189, ts: base + 49 });

    await h.flush(); // first attempt fails, the lines wait for their retry
    await expect.poll(() => h.stats().failed, { timeout: 5_000 }).toBe(50);
    expect(h.stats()).toMatchObject({ written: 0, failedRequests: 2, pending: 0, readFailures: 1 });
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(warnings)).not.toMatch(/hr=|189|140/);
  });
});
