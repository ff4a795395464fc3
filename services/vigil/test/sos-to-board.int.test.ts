import type { AlertEnvelope } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

/** Waits for the first `alert` event matching `pred` on a board socket. */
function nextAlert(socket: BoardSocket, pred: (e: AlertEnvelope) => boolean, timeoutMs = 5000): Promise<AlertEnvelope> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching alert event')), timeoutMs);
    const on = (e: AlertEnvelope) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      socket.off('alert', on);
      resolve(e);
    };
    socket.on('alert', on);
  });
}

describe('SOS from a wearable to a caregiver board (in process)', () => {
  let p: Platform;
  let devices: { residentId: string; deviceId: string; secret: string }[];

  beforeAll(async () => {
    p = await startPlatform();
    ({ devices } = await p.provision(1));
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('arrives as alert.raised; a REST acknowledgement arrives as alert.acknowledged and vibrates the device', async () => {
    const { deviceId, secret, residentId } = devices[0]!;
    const carer = await p.login('carer1', 'carer-pass-123');
    const board = await p.connectBoard(carer);
    const device = await p.connectDevice(deviceId, secret);
    await device.subscribeAsync(`care/f1/devices/${deviceId}/commands`, { qos: 1 });
    const commands: unknown[] = [];
    device.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString())));

    const raised = nextAlert(board, (e) => e.type === 'alert.raised');
    await device.publishAsync(`care/f1/devices/${deviceId}/events`, JSON.stringify({ ts: Date.now(), type: 'sos' }), {
      qos: 1,
    });
    const e = await raised;
    expect(e.facilityId).toBe('f1');
    expect(e.data).toMatchObject({ kind: 'sos', priority: 'high', state: 'active', residentId, deviceId });
    expect(e.data.explanation.rule).toMatch(/sos/);

    const acked = nextAlert(board, (x) => x.type === 'alert.acknowledged');
    const r = await p.api('POST', `/api/alerts/${e.data.id}/ack`, carer);
    expect(r.status).toBe(200);
    const a = await acked;
    expect(a.data).toMatchObject({ id: e.data.id, state: 'acknowledged', acknowledgedBy: 'carer1' });
    expect(Number(a.id.split('-')[0])).toBeGreaterThanOrEqual(Number(e.id.split('-')[0]));

    await expect.poll(() => commands, { timeout: 3000 }).toContainEqual({ type: 'vibrate', alertId: e.data.id });
  });

  it('loses no valid message in a stream of garbage, and tells the device why', async () => {
    const { deviceId, secret, residentId } = devices[0]!;
    const device = await p.connectDevice(deviceId, secret);
    const errors: { code: string }[] = [];
    await device.subscribeAsync(`care/f1/devices/${deviceId}/errors`, { qos: 0 });
    device.on('message', (_t, payload) => errors.push(JSON.parse(payload.toString())));
    const topic = `care/f1/devices/${deviceId}/vitals`;
    const t0 = Date.now();
    const garbage = [
      '{not json',
      JSON.stringify({ ts: t0, hr: 999 }),
      JSON.stringify({ hr: 70 }),
      JSON.stringify({ ts: t0 + 3_600_000, hr: 70 }),
      '[]',
    ];
    for (let i = 0; i < 20; i++) {
      await device.publishAsync(topic, JSON.stringify({ ts: t0 + i, seq: 1000 + i, hr: 60 + i }), { qos: 1 });
      await device.publishAsync(topic, garbage[i % garbage.length]!, { qos: 1 });
    }
    await expect
      .poll(async () => (await p.app.stores.counters.get(deviceId)).accepted, { timeout: 3000 })
      .toBeGreaterThanOrEqual(20);
    const points = await p.app.stores.vitals.range(residentId, t0, t0 + 100);
    expect(points.map((x) => x.hr)).toEqual(Array.from({ length: 20 }, (_, i) => 60 + i));
    const counters = await p.app.stores.counters.get(deviceId);
    expect(counters.rejected).toMatchObject({ invalid_json: 4, out_of_range: 4, schema_violation: 8, ts_in_future: 4 });
    await expect.poll(() => new Set(errors.map((x) => x.code)).size, { timeout: 3000 }).toBeGreaterThanOrEqual(3);
  });

  it('exposes broker, gateway and process metrics on one /metrics', async () => {
    const res = await fetch(`${p.baseUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^vigil_mqtt_devices_connected [1-9]/m);
    expect(text).toMatch(/^vigil_mqtt_auth_failures 0/m);
    expect(text).toMatch(/^vigil_http_requests_total\{method="POST",route="\/api\/alerts\/:id\/ack",status="200"\} 1/m);
    expect(text).toContain('vigil_process_resident_memory_bytes');
    // The argon2id gate (issue 13): nothing refused in a quiet run.
    expect(text).toMatch(/^vigil_argon2_refused 0/m);
    expect(text).toMatch(/^vigil_argon2_queued 0/m);
  });
});
