import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '@vigil/testkit';
import {
  haveInfluxd,
  INFLUXD,
  INFLUXD_INSTALL_HINT,
  startInfluxd,
  type TsdbServer,
} from '../../../packages/tsdb/test/tsdb-servers.ts';
import { type Platform, startPlatform } from './harness.ts';

const skip = requireBinary(INFLUXD, INFLUXD_INSTALL_HINT, 'platform TSDB test');

/**
 * Issue 5 "vitals history", through the whole platform: samples from a real MQTT client land in a
 * real InfluxDB 1.x (`INFLUX_URL`, v1 writes, as Debian ships 1.6) and the REST vitals route reads
 * them back in InfluxQL.
 */
describe.skipIf(skip)('vitals history in InfluxDB through the platform', () => {
  let influx: TsdbServer;
  let p: Platform;

  beforeAll(async () => {
    if (!haveInfluxd) throw new Error(INFLUXD_INSTALL_HINT);
    influx = await startInfluxd();
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE vigil')}`, { method: 'POST' });
    p = await startPlatform({ influx: { url: influx.url, database: 'vigil', writeApi: 'v1' } });
  });
  afterAll(async () => {
    await p?.stop();
    await influx?.stop();
  });

  it('writes accepted samples to the TSDB and serves them back over REST', async () => {
    const { devices } = await p.provision(1);
    const { deviceId, secret, residentId } = devices[0]!;
    const wearable = await p.connectDevice(deviceId, secret);
    const t0 = Date.now() - 60_000;
    const samples = Array.from({ length: 20 }, (_, i) => ({ ts: t0 + i * 1000, seq: i + 1, hr: 70 + i, spo2: 97 }));
    await wearable.publishAsync(`care/f1/devices/${deviceId}/vitals`, JSON.stringify({ samples }), { qos: 1 });

    // In InfluxDB itself, once the writer's 2 s batch went out.
    const count = async () => {
      const q = encodeURIComponent(`SELECT COUNT(hr) FROM vitals WHERE resident='${residentId}'`);
      const body = (await (await fetch(`${influx.url}/query?db=vigil&q=${q}`)).json()) as {
        results: { series?: { values: [string, number][] }[] }[];
      };
      return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
    };
    await expect.poll(count, { timeout: 10_000, interval: 250 }).toBe(20);

    const carer = await p.login('carer1', 'carer-pass-123');
    const r = await p.api<{ points: { hr: number }[]; latest: { values: { hr: { v: number } } } }>(
      'GET',
      `/api/residents/${residentId}/vitals?from=${t0 - 1000}`,
      carer,
    );
    expect(r.status).toBe(200);
    expect(r.body.points.map((x) => x.hr)).toEqual(samples.map((s) => s.hr));
    expect(r.body.latest.values.hr.v).toBe(89);
  });
});
