import type { AlertEnvelope, VitalsEnvelope } from '@vigil/contracts';
import { ManualClock } from '@vigil/runtime';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardSocket, type Platform, startPlatform } from './harness.ts';

/**
 * clinical.md "Alarm timing that must hold", through the real path: a device publishes over MQTT,
 * a caregiver's board hears it over Socket.IO. Device time is compressed with past `ts` values
 * (the rules judge by device time), never by sleeping.
 */
const S = 1000;
const MIN = 60 * S;

function alertOn(board: BoardSocket, pred: (e: AlertEnvelope) => boolean, timeoutMs = 8000): Promise<AlertEnvelope> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      board.off('alert', on);
      reject(new Error('no matching alert event'));
    }, timeoutMs);
    const on = (e: AlertEnvelope) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      board.off('alert', on);
      resolve(e);
    };
    board.on('alert', on);
  });
}

/** Every alert event a board heard, kept for assertions that something did NOT happen. */
function recordAlerts(board: BoardSocket): AlertEnvelope[] {
  const seen: AlertEnvelope[] = [];
  board.on('alert', (e) => seen.push(e));
  return seen;
}

type Sample = Record<string, unknown> & { ts: number };
const series = (from: number, n: number, everyMs: number, f: (i: number) => Record<string, unknown>): Sample[] =>
  Array.from({ length: n }, (_, i) => ({ ts: from + i * everyMs, ...f(i) }));

describe('alarm timing through MQTT to the caregiver board', () => {
  let p: Platform;
  let admin: string;
  let board: BoardSocket;
  let heard: AlertEnvelope[];
  const devices: Record<string, MqttClient> = {};
  let seq = 0;

  /** A resident with a device of the given profile, connected. */
  async function resident(id: string, profile: 'wristband' | 'cuff' = 'wristband', carePlan?: object) {
    await p.must('POST', '/api/residents', admin, {
      id,
      facilityId: 'f1',
      name: id,
      zoneId: 'z1',
      roomId: `room-${id}`,
      ...(carePlan && { carePlan }),
    });
    const d = await p.must<{ id: string; secret: string }>('POST', '/api/devices', admin, {
      id: `dev-${id}`,
      facilityId: 'f1',
      kind: 'wearable',
      profile,
      residentId: id,
    });
    devices[id] = await p.connectDevice(d.id, d.secret);
  }

  /** Publishes samples one message each, QoS 1, in order. */
  async function send(id: string, samples: Sample[]) {
    const device = devices[id] as MqttClient;
    for (const s of samples)
      await device.publishAsync(`care/f1/devices/dev-${id}/vitals`, JSON.stringify({ seq: ++seq, ...s }), { qos: 1 });
  }

  beforeAll(async () => {
    p = await startPlatform();
    ({ admin } = await p.provision(0));
    board = await p.connectBoard(await p.login('carer1', 'carer-pass-123'));
    heard = recordAlerts(board);
  });
  afterAll(async () => {
    await p?.stop();
  });

  const forResident = (id: string, kind: string) => (e: AlertEnvelope) =>
    e.type === 'alert.raised' && e.data.residentId === id && e.data.kind === kind;

  it('sparse readings: SpO2 86 % and HR 128 every 4 min raise at the second reading', async () => {
    await resident('sparse');
    const t0 = Date.now() - 20 * MIN;
    const raised = alertOn(board, forResident('sparse', 'vital.spo2_low'));
    await send(
      'sparse',
      series(t0, 2, 4 * MIN, () => ({ hr: 128, spo2: 86 })),
    );
    const e = await raised;
    expect(e.data).toMatchObject({ priority: 'high', lastSeenAt: new Date(t0 + 4 * MIN).toISOString() });
    expect(e.data.explanation).toMatchObject({ path: 'confirmed', inputs: { since: new Date(t0).toISOString() } });
    // Judged as of its device time, and said to come from late data.
    expect(e.data.explanation.late?.observedAt).toBe(new Date(t0 + 4 * MIN).toISOString());
  });

  it('interrupted readings: SpO2 89 % with the odd 94 % is still hypoxia', async () => {
    await resident('interrupted');
    const t0 = Date.now() - 10 * MIN;
    const raised = alertOn(board, forResident('interrupted', 'vital.spo2_low'));
    await send(
      'interrupted',
      series(t0, 90, S, (i) => ({ hr: 78, spo2: i % 30 < 25 ? 89 : 94 })),
    );
    const e = await raised;
    expect(e.data.explanation.path).toBe('sustained');
    expect(Date.parse(e.data.lastSeenAt) - t0).toBeLessThanOrEqual(60 * S);
  });

  it('a critical stream (SpO2 80 %) raises high within 10 s of device time of its first reading', async () => {
    await resident('desat');
    const t0 = Date.now() - 2 * MIN;
    await send(
      'desat',
      series(t0, 20, S, () => ({ hr: 80, spo2: 97 })),
    );
    const raised = alertOn(board, forResident('desat', 'vital.spo2_low'));
    const first = t0 + 20 * S;
    await send(
      'desat',
      series(first, 15, S, () => ({ hr: 84, spo2: 80 })),
    );
    const e = await raised;
    expect(e.data).toMatchObject({ priority: 'high', explanation: { path: 'critical_stream' } });
    expect(Date.parse(e.data.lastSeenAt) - first).toBeLessThanOrEqual(10 * S);
  });

  it('NEWS2 of 7 or more raises a high news2 alert within 10 s of device time', async () => {
    await resident('news2');
    const t0 = Date.now() - 2 * MIN;
    await send(
      'news2',
      series(t0, 20, S, () => ({ hr: 80, spo2: 97, rr: 16, temp: 36.8, onOxygen: false })),
    );
    const raised = alertOn(board, forResident('news2', 'news2'));
    const first = t0 + 20 * S;
    // hr 118 (2) + spo2 92 (2) + rr 25 (3) + temp 38.5 (1) + air (0) = 8, with nothing past a critical limit.
    await send(
      'news2',
      series(first, 12, S, () => ({ hr: 118, spo2: 92, rr: 25, temp: 38.5, onOxygen: false })),
    );
    const e = await raised;
    expect(e.data).toMatchObject({ priority: 'high', explanation: { path: 'critical_stream' } });
    expect(e.data.explanation.inputs).toMatchObject({ news2: { score: 8 } });
    expect(Date.parse(e.data.lastSeenAt) - first).toBeLessThanOrEqual(10 * S);
  });

  it('a single cuff reading of SBP 70 raises a high blood-pressure alert at once', async () => {
    await resident('cuff', 'cuff');
    const raised = alertOn(board, forResident('cuff', 'vital.sbp_low'));
    const ts = Date.now() - 5 * S;
    await send('cuff', [{ ts, sbp: 70, dbp: 42, hr: 96 }]);
    const e = await raised;
    expect(e.data).toMatchObject({ priority: 'high', lastSeenAt: new Date(ts).toISOString() });
    expect(e.data.explanation).toMatchObject({ path: 'critical_spot' });
    expect(e.data.explanation.condition).toContain('Systolic blood pressure ≤ 80 mmHg (critical limit)');
  });

  it('a borderline cuff reading waits for the next reading to confirm it', async () => {
    await resident('cuff2', 'cuff');
    const t0 = Date.now() - 10 * MIN;
    await send('cuff2', [{ ts: t0, sbp: 96 }]);
    const raised = alertOn(board, forResident('cuff2', 'vital.sbp_low'));
    await send('cuff2', [{ ts: t0 + 5 * MIN, sbp: 94 }]);
    const e = await raised;
    expect(e.data).toMatchObject({ priority: 'medium', explanation: { path: 'confirmed' } });
  });

  it('worn:false with a living pulse raises device.wear_conflict within 60 s and the vitals are still judged', async () => {
    await resident('conflict');
    const t0 = Date.now() - 3 * MIN;
    const conflict = alertOn(board, forResident('conflict', 'device.wear_conflict'));
    const tachy = alertOn(board, forResident('conflict', 'vital.hr_high'));
    await send(
      'conflict',
      series(t0, 70, S, (i) => ({ worn: false, hr: 150 + (i % 4), spo2: 95 + (i % 2) })),
    );
    const c = await conflict;
    expect(c.data.priority).toBe('low');
    expect(Date.parse(c.data.lastSeenAt) - t0).toBeLessThanOrEqual(60 * S);
    expect((await tachy).data.priority).toBe('high');
    expect(heard.some((e) => e.data.residentId === 'conflict' && e.data.kind === 'device.not_worn')).toBe(false);
  });

  it('worn:false junk stays suppressed: no clinical alert from a wristband on the table', async () => {
    await resident('table');
    const t0 = Date.now() - 10 * MIN;
    const notWorn = alertOn(board, forResident('table', 'device.not_worn'));
    await send(
      'table',
      series(t0, 330, S, (i) => ({ worn: false, hr: (i * 37) % 45, spo2: 50 + ((i * 13) % 35) })),
    );
    await notWorn;
    const kinds = new Set(heard.filter((e) => e.data.residentId === 'table').map((e) => e.data.kind));
    expect([...kinds]).toEqual(['device.not_worn']);
  });

  it('scale 2 with oxygen unknown shows a partial NEWS2, and a device oxygen report expires after 15 min', async () => {
    await resident('copd', 'wristband', { spo2Scale: 2 });
    const carer = await p.login('carer1', 'carer-pass-123');
    const watcher = await p.connectBoard(carer);
    expect(await watcher.timeout(3000).emitWithAck('subscribe:vitals', { residentIds: ['copd'] })).toEqual({
      ok: true,
    });
    const vitals: VitalsEnvelope[] = [];
    watcher.on('vitals', (e) => vitals.push(e));
    const t0 = Date.now() - 20 * MIN;
    await send('copd', [{ ts: t0, hr: 80, spo2: 95, rr: 16, temp: 36.8, onOxygen: true }]);
    await expect.poll(() => vitals.length, { timeout: 3000 }).toBe(1);
    // On oxygen, 95 % on scale 2 scores 2, oxygen 2.
    expect(vitals[0]?.data.news2?.subscores).toMatchObject({ spo2: 2, air: 2 });
    await send('copd', [{ ts: t0 + 16 * MIN, hr: 80, spo2: 95, rr: 16, temp: 36.8 }]);
    await expect.poll(() => vitals.length, { timeout: 3000 }).toBe(2);
    // The report expired and nothing is prescribed: SpO2 cannot be scored on scale 2, and the score says so.
    expect(vitals[1]?.data.news2).toMatchObject({ partial: true, missing: expect.arrayContaining(['spo2', 'air']) });
    expect(vitals[1]?.data.news2?.subscores.spo2).toBeUndefined();
  });
});

describe('stale data against the device’s own rhythm, through MQTT', () => {
  let p: Platform;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    // The test moves the platform's clock 21 min on; a 15 min token would expire on the way and the
    // session watch would close the board's socket (contract §2) before the warning reached it.
    p = await startPlatform({ clock, tokenTtlS: 3600 });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('a wristband that reports every 4 min warns after 5 of its intervals of silence, not after a fixed limit', async () => {
    const { devices } = await p.provision(1);
    const { deviceId, secret } = devices[0] as { deviceId: string; secret: string };
    const board = await p.connectBoard(await p.login('carer1', 'carer-pass-123'));
    const heard = recordAlerts(board);
    const device = await p.connectDevice(deviceId, secret);
    const t0 = clock.now() - 16 * MIN;
    for (let i = 0; i < 5; i++) {
      await device.publishAsync(
        `care/f1/devices/${deviceId}/vitals`,
        JSON.stringify({ ts: t0 + i * 4 * MIN, seq: i + 1, hr: 72, spo2: 97 }),
        { qos: 1 },
      );
    }
    await expect
      .poll(async () => (await p.app.stores.devices.get(deviceId))?.recentIntervalsMs, { timeout: 3000 })
      .toEqual([4 * MIN, 4 * MIN, 4 * MIN, 4 * MIN]);
    // 15 min of silence: a fixed 15 min limit would have fired; the device's own rhythm says wait.
    clock.advance(15 * MIN);
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.filter((e) => e.data.kind === 'device.no_data')).toEqual([]);
    const warned = alertOn(board, (e) => e.type === 'alert.raised' && e.data.kind === 'device.no_data');
    clock.advance(6 * MIN);
    const e = await warned;
    expect(e.data).toMatchObject({ priority: 'low', explanation: { inputs: { usualIntervalMs: 4 * MIN } } });
    expect(e.data.explanation.condition).toContain('5 of its usual 4 min intervals');
  });
});
