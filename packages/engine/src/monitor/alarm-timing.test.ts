import type { Alert } from '@vigil/contracts';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord } from '@vigil/stores';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AcceptedSample } from '../ports.ts';
import { Monitor } from './monitor.ts';
import { alertServices, RESIDENT } from './monitor.fixture.ts';

/**
 * clinical.md "Alarm timing that must hold", judged on the input real devices send: sparse,
 * interrupted, critical, spot, unworn-but-on, late. Device time runs with the platform clock
 * (live data) unless a test sends late data on purpose.
 */
const T0 = Date.parse('2026-01-01T02:00:00Z');
const S = 1000;
const MIN = 60 * S;

const device = (over: Partial<DeviceRecord>): DeviceRecord => ({
  id: 'w1',
  kind: 'wearable',
  profile: 'wristband',
  facilityId: 'f1',
  residentId: 'r1',
  secretHash: 'x',
  state: 'online',
  createdAt: 0,
  ...over,
});

function setup() {
  const clock = new ManualClock(T0);
  const stores = createMemoryStores(() => clock.now());
  const { alerts, ruleSettings } = alertServices(stores, clock);
  const monitor = new Monitor({ stores, alerts, ruleSettings, clock, logger: silentLogger() });
  /** Live: each sample arrives at its own device time (the platform clock follows). */
  const live = async (d: DeviceRecord, samples: AcceptedSample[]) => {
    for (const s of samples) {
      if (s.ts > clock.now()) clock.set(s.ts);
      await monitor.vitals((await stores.devices.get(d.id)) ?? d, [s]);
    }
  };
  const open = async (kind: Alert['kind']) =>
    (await stores.alerts.list({ state: 'open' })).find((a) => a.kind === kind);
  return { clock, stores, monitor, live, open };
}
type Setup = ReturnType<typeof setup>;

/** `n` samples `everyMs` apart from `from`. */
const series = (from: number, n: number, everyMs: number, f: (i: number) => Partial<AcceptedSample>) =>
  Array.from({ length: n }, (_, i): AcceptedSample => ({ ts: from + i * everyMs, ...f(i) }));

const wristband = device({});
const cuff = device({ id: 'c1', profile: 'cuff' });

describe('alarm timing on real device input (clinical.md)', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await t.stores.residents.put(RESIDENT);
    await t.stores.devices.put(wristband);
    await t.stores.devices.put(cuff);
  });

  it('sparse: SpO2 86 % and HR 128 every 4 min alert at the second reading, confirmed by it', async () => {
    await t.live(
      wristband,
      series(T0, 2, 4 * MIN, () => ({ hr: 128, spo2: 86 })),
    );
    const spo2 = await t.open('vital.spo2_low');
    expect(spo2).toMatchObject({ priority: 'high', raisedAt: new Date(T0 + 4 * MIN).toISOString() });
    expect(spo2?.explanation).toMatchObject({ path: 'confirmed', inputs: { since: new Date(T0).toISOString() } });
    expect(spo2?.explanation.condition).toContain('two readings in a row past the limit, 4 min apart');
    expect(await t.open('vital.hr_high')).toMatchObject({ priority: 'medium', explanation: { path: 'confirmed' } });
    // The device's own rhythm is learned for stale-data alarms.
    expect((await t.stores.devices.get('w1'))?.recentIntervalsMs).toEqual([4 * MIN]);
  });

  it('interrupted: SpO2 89 % on 25 of every 30 s alerts within its window, not never', async () => {
    await t.live(
      wristband,
      series(T0, 120, S, (i) => ({ hr: 80, spo2: i % 30 < 25 ? 89 : 94 })),
    );
    const a = await t.open('vital.spo2_low');
    expect(a).toMatchObject({ priority: 'high', explanation: { path: 'sustained' } });
    expect(Date.parse(a?.raisedAt ?? '') - T0).toBeLessThanOrEqual(60 * S);
  });

  it('critical stream: SpO2 80 % raises high within 10 s of the first reading past the limit', async () => {
    await t.live(
      wristband,
      series(T0, 30, S, () => ({ hr: 80, spo2: 97 })),
    );
    await t.live(
      wristband,
      series(T0 + 30 * S, 15, S, () => ({ hr: 82, spo2: 80 })),
    );
    const a = await t.open('vital.spo2_low');
    expect(a).toMatchObject({ priority: 'high', explanation: { path: 'critical_stream' } });
    expect(Date.parse(a?.raisedAt ?? '') - (T0 + 30 * S)).toBeLessThanOrEqual(10 * S);
    expect(a?.explanation.condition).toContain('SpO2 ≤ 85 % (critical limit)');
  });

  it('critical stream: HR 160 raises high within 10 s; a one-sample spike is an artefact and raises nothing', async () => {
    await t.live(
      wristband,
      series(T0, 30, S, (i) => ({ hr: i === 20 ? 200 : 75, spo2: 97 })),
    );
    expect(await t.stores.alerts.list()).toEqual([]);
    await t.live(
      wristband,
      series(T0 + 30 * S, 15, S, (i) => ({ hr: Math.min(160, 75 + i * 25), spo2: 97 })),
    );
    const a = await t.open('vital.hr_high');
    expect(a).toMatchObject({ priority: 'high', explanation: { path: 'critical_stream' } });
    // 75 → 160 in 25 bpm steps: past 140 from the fourth reading on.
    expect(Date.parse(a?.raisedAt ?? '') - (T0 + 33 * S)).toBeLessThanOrEqual(10 * S);
  });

  it('spot: a single cuff reading of SBP 70 raises a high alert at once', async () => {
    await t.live(cuff, [{ ts: T0, sbp: 70, dbp: 45, hr: 88 }]);
    const a = await t.open('vital.sbp_low');
    expect(a).toMatchObject({
      priority: 'high',
      raisedAt: new Date(T0).toISOString(),
      explanation: { path: 'critical_spot' },
    });
    expect(a?.explanation.condition).toContain('a spot reading past the critical limit raises at once');
  });

  it('spot: a cuff reading of SBP 95 waits for the next reading to confirm it', async () => {
    await t.live(cuff, [{ ts: T0, sbp: 95 }]);
    expect(await t.open('vital.sbp_low')).toBeUndefined();
    await t.live(cuff, [{ ts: T0 + 5 * MIN, sbp: 96 }]);
    expect(await t.open('vital.sbp_low')).toMatchObject({ priority: 'medium', explanation: { path: 'confirmed' } });
  });

  it('NEWS2 8 raises a high news2 alert within 10 s', async () => {
    // hr 118 (2) + spo2 92 (2) + rr 23 (2) + temp 38.5 (1) + sbp 120 (0) + alert (0) + air (0) = 7
    const sick = { hr: 118, spo2: 92, rr: 23, temp: 38.5 };
    await t.live(cuff, [{ ts: T0, sbp: 120 }]);
    await t.live(
      wristband,
      series(T0 + S, 30, S, () => ({ hr: 80, spo2: 97, rr: 16, temp: 36.8 })),
    );
    await t.live(
      wristband,
      series(T0 + 31 * S, 12, S, () => ({ ...sick, rr: 25 })),
    );
    const a = await t.open('news2');
    expect(a).toMatchObject({ priority: 'high', explanation: { path: 'critical_stream' } });
    expect(a?.explanation.inputs).toMatchObject({ news2: { score: 8 } });
    expect(Date.parse(a?.raisedAt ?? '') - (T0 + 31 * S)).toBeLessThanOrEqual(10 * S);
  });

  it("a stream's first reading after a gap is a spot reading: past a critical limit it raises at once", async () => {
    await t.live(
      wristband,
      series(T0, 10, S, () => ({ hr: 80, spo2: 97 })),
    );
    await t.live(wristband, [{ ts: T0 + 2 * MIN, hr: 80, spo2: 83 }]);
    expect(await t.open('vital.spo2_low')).toMatchObject({
      priority: 'high',
      raisedAt: new Date(T0 + 2 * MIN).toISOString(),
      explanation: { path: 'critical_spot' },
    });
  });

  it('wear state is evidence: worn:false with a living pulse raises wear_conflict and the vitals are judged', async () => {
    await t.live(
      wristband,
      series(T0, 90, S, (i) => ({ worn: false, hr: 150 + (i % 3), spo2: 96 + (i % 2) })),
    );
    const conflict = await t.open('device.wear_conflict');
    expect(conflict).toMatchObject({ priority: 'low' });
    expect(Date.parse(conflict?.raisedAt ?? '') - T0).toBeLessThanOrEqual(60 * S);
    expect(await t.open('device.not_worn')).toBeUndefined();
    expect(await t.open('vital.hr_high')).toMatchObject({ priority: 'high' });
    // Worn again: the conflict clears.
    await t.live(
      wristband,
      series(T0 + 90 * S, 3, S, () => ({ worn: true, hr: 80, spo2: 97 })),
    );
    expect(await t.open('device.wear_conflict')).toBeUndefined();
  });

  it('wear state: junk from a wristband on the table stays suppressed', async () => {
    await t.live(
      wristband,
      series(T0, 400, S, (i) => ({ worn: false, hr: (i * 37) % 45, spo2: 50 + ((i * 13) % 35) })),
    );
    const kinds = (await t.stores.alerts.list()).map((a) => a.kind);
    expect(kinds).toEqual(['device.not_worn']);
  });

  it('late data: a store-and-forward batch judges in device time and says the alert came from late data', async () => {
    t.clock.set(T0 + 30 * MIN);
    await t.monitor.vitals(
      wristband,
      series(T0, 60, S, (i) => ({ hr: i < 20 ? 80 : 165, spo2: 97 })),
    );
    const a = await t.open('vital.hr_high');
    // 80 → 165 is a jump the artefact filter holds for one reading; from 21 s, 5 s of the stream.
    expect(a?.explanation).toMatchObject({
      path: 'critical_stream',
      late: { observedAt: new Date(T0 + 26 * S).toISOString() },
    });
    expect(a?.explanation.late?.delayMs).toBe(30 * MIN - 26 * S);
  });
});
