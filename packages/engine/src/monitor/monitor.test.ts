import type { Alert, LoggedEvent, VitalsEventData } from '@vigil/contracts';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord } from '@vigil/stores';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AcceptedSample } from '../ports.ts';
import { Monitor } from './monitor.ts';
import { alertServices, RESIDENT, wearableOf } from './monitor.fixture.ts';

const wearable = wearableOf({ state: 'provisioned' });
const sensor: DeviceRecord = {
  id: 's1',
  kind: 'sensor',
  facilityId: 'f1',
  roomId: 'room-2',
  zoneId: 'z1',
  secretHash: 'x',
  state: 'online',
  createdAt: 0,
};
const T0 = Date.parse('2026-01-01T02:00:00Z'); // 10:00 in Shanghai: waking hours
const S = 1000;
const MIN = 60 * S;

/** One sample per second from `from`, `n` of them. */
const series = (from: number, n: number, f: (i: number) => Partial<AcceptedSample>): AcceptedSample[] =>
  Array.from({ length: n }, (_, i) => ({ ts: from + i * S, ...f(i) }));

function setup() {
  // The clock runs ahead of device time so `min(observedAt, now)` never clips what the tests send.
  const clock = new ManualClock(T0 + 24 * 3600 * S);
  const stores = createMemoryStores(() => clock.now());
  const { alerts, ruleSettings } = alertServices(stores, clock);
  const published: VitalsEventData[] = [];
  const monitor = new Monitor({
    stores,
    alerts,
    ruleSettings,
    clock,
    logger: silentLogger(),
    vitalsFeed: { publish: (_f, d) => published.push(d) },
  });
  const events: LoggedEvent[] = [];
  stores.events.subscribe((e) => events.push(e));
  return { clock, stores, alerts, ruleSettings, monitor, events, published };
}

type Setup = ReturnType<typeof setup>;

async function seed({ stores }: Setup) {
  await stores.residents.put(RESIDENT);
  await stores.devices.put(wearable);
  await stores.devices.put(sensor);
}

const byKind = async (t: Setup, kind: Alert['kind']) => (await t.stores.alerts.list()).filter((a) => a.kind === kind);

describe('Monitor: one-off events', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });
  const alertEvents = () => t.events.filter((e) => e.event === 'alert').map((e) => e.envelope.type);

  it('raises SOS at once as high with an explanation, and re-raises a repeat on the one open alert', async () => {
    await t.monitor.event(wearable, { ts: T0, type: 'sos' });
    await t.monitor.event(wearable, { ts: T0 + S, type: 'sos' });
    const open = await t.stores.alerts.list({ state: 'open' });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      kind: 'sos',
      priority: 'high',
      residentId: 'r1',
      roomId: 'room-1',
      occurrences: 2,
      explanation: { rule: 'device-event.sos@1', condition: expect.stringContaining('event sos') },
    });
    expect(open[0]?.conditionHolds).toBeUndefined();
    // A second press is a new call for help: the boards sound again (contract §3.1).
    expect(alertEvents()).toEqual(['alert.raised', 'alert.reraised']);
  });

  it('cancels an unacknowledged SOS, but not an acknowledged one', async () => {
    await t.monitor.event(wearable, { ts: T0, type: 'sos' });
    await t.monitor.event(wearable, { ts: T0, type: 'sos_cancel' });
    expect((await t.stores.alerts.list())[0]).toMatchObject({ state: 'resolved', outcome: 'cancelled' });
    await t.monitor.event(wearable, { ts: T0 + S, type: 'sos' });
    const [again] = await t.stores.alerts.list({ state: 'open' });
    await t.alerts.acknowledge(again?.id ?? '', 'u1');
    await t.monitor.event(wearable, { ts: T0 + 2 * S, type: 'sos_cancel' });
    expect((await t.stores.alerts.get(again?.id ?? ''))?.state).toBe('acknowledged');
  });

  it('marks a device offline from its Last Will and clears the alert when it returns', async () => {
    await t.monitor.vitals(wearable, [{ ts: T0, hr: 70 }]);
    const online = (await t.stores.devices.get('w1'))!;
    await t.monitor.status(online, { state: 'offline' }, T0);
    expect((await t.stores.alerts.list({ state: 'open' }))[0]).toMatchObject({
      kind: 'device.offline',
      priority: 'medium',
    });
    await t.monitor.status((await t.stores.devices.get('w1'))!, { state: 'online' }, T0 + S);
    expect(await t.stores.alerts.list({ state: 'open' })).toHaveLength(0);
    expect(t.events.filter((e) => e.event === 'device').map((e) => e.envelope.type)).toEqual([
      'device.online',
      'device.offline',
      'device.online',
    ]);
  });
});

describe('Monitor: persistence and hysteresis', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });

  it('raises a vital alert once the limit held for its window, from the onset', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 60, () => ({ hr: 125 })),
    );
    expect(await t.stores.alerts.list()).toHaveLength(0);
    await t.monitor.vitals(
      wearable,
      series(T0 + 60 * S, 5, () => ({ hr: 125 })),
    );
    const [a] = await byKind(t, 'vital.hr_high');
    expect(a).toMatchObject({ priority: 'medium', conditionHolds: true, occurrences: 1 });
    expect(a?.explanation).toMatchObject({
      rule: 'vital-threshold.hr_high@1',
      window: '1 min of device time',
      path: 'sustained',
      inputs: {
        hr: 125,
        limits: { high: 120, clearMargin: 5, critical: { low: 40, high: 140 } },
        since: new Date(T0).toISOString(),
        readings: { pastLimit: 61, total: 61 },
      },
    });
    expect(a?.explanation.condition).toContain('61 of 61 readings past the limit over 60 s');
    expect(a?.explanation.condition).toContain('80 % of the readings of 1 min');
    expect(a?.lastSeenAt).toBe(new Date(T0 + 60 * S).toISOString());
  });

  it('lets a medium alert self-clear only past the hysteresis margin, for its clear window', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 70, () => ({ hr: 125 })),
    );
    // 117 is under the limit but inside the 5 bpm margin: the condition has not cleared.
    await t.monitor.vitals(
      wearable,
      series(T0 + 70 * S, 300, () => ({ hr: 117 })),
    );
    expect((await byKind(t, 'vital.hr_high'))[0]?.state).toBe('active');
    await t.monitor.vitals(
      wearable,
      series(T0 + 370 * S, 121, () => ({ hr: 100 })),
    );
    const [a] = await byKind(t, 'vital.hr_high');
    expect(a).toMatchObject({
      state: 'resolved',
      outcome: 'self_cleared',
      resolvedBy: 'system',
      conditionHolds: false,
    });
    expect(a?.conditionClearedAt).toBe(new Date(T0 + 490 * S).toISOString());
  });

  it('latches a high alert after its condition clears, and counts a recurrence as an occurrence', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 70, () => ({ hr: 140 })),
    );
    await t.monitor.vitals(
      wearable,
      series(T0 + 70 * S, 180, () => ({ hr: 80 })),
    );
    let [a] = await byKind(t, 'vital.hr_high');
    expect(a).toMatchObject({ priority: 'high', state: 'active', conditionHolds: false, occurrences: 1 });
    expect(a?.conditionClearedAt).toBeDefined();
    await t.monitor.vitals(
      wearable,
      series(T0 + 250 * S, 70, () => ({ hr: 140 })),
    );
    [a] = await byKind(t, 'vital.hr_high');
    expect(a).toMatchObject({ state: 'active', conditionHolds: true, occurrences: 2 });
    expect(a?.conditionClearedAt).toBeUndefined();
    const updates = t.events
      .filter((e) => e.event === 'alert')
      .map((e) => [e.envelope.type, (e.envelope.data as Alert).conditionHolds]);
    expect(updates).toContainEqual(['alert.updated', false]);
  });

  it('escalates medium to high within one episode without counting a new occurrence', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 70, () => ({ spo2: 93 })),
    );
    await t.monitor.vitals(
      wearable,
      series(T0 + 70 * S, 70, () => ({ spo2: 90 })),
    );
    const [a] = await byKind(t, 'vital.spo2_low');
    expect(a).toMatchObject({ priority: 'high', occurrences: 1, title: 'SpO2 low: 90 %' });
  });

  it('gives the same alerts live, as one store-and-forward batch, and mildly reordered', async () => {
    // Desaturation to the critical tier and back, tachycardia (medium) that clears, normal in between.
    const seq = [
      ...series(T0, 60, () => ({ hr: 80, spo2: 96 })),
      ...series(T0 + 60 * S, 120, (i) => ({ hr: 80, spo2: i < 40 ? 92 : 89 })),
      ...series(T0 + 180 * S, 200, () => ({ hr: 126, spo2: 97 })),
      ...series(T0 + 380 * S, 300, () => ({ hr: 82, spo2: 97 })),
    ];
    const summarise = async (feed: (m: Monitor) => Promise<void>) => {
      const s = setup();
      await seed(s);
      await feed(s.monitor);
      return (await s.stores.alerts.list())
        .map((a) => ({
          kind: a.kind,
          priority: a.priority,
          state: a.state,
          outcome: a.outcome,
          occurrences: a.occurrences,
          conditionHolds: a.conditionHolds,
          onset: a.lastSeenAt <= a.raisedAt ? a.raisedAt : 'later',
          title: a.title,
        }))
        .sort((x, y) => x.kind.localeCompare(y.kind));
    };
    const live = await summarise(async (m) => {
      for (const s of seq) await m.vitals(wearable, [s]);
    });
    const batched = await summarise((m) => m.vitals(wearable, seq));
    const reordered = [...seq];
    for (let i = 0; i + 4 < reordered.length; i += 5) {
      // Every fifth sample arrives three places late; neighbours swap.
      const [a, b, c, d] = reordered.slice(i, i + 4) as [
        AcceptedSample,
        AcceptedSample,
        AcceptedSample,
        AcceptedSample,
      ];
      reordered.splice(i, 4, b, c, d, a);
    }
    const shuffled = await summarise(async (m) => {
      for (const s of reordered) await m.vitals(wearable, [s]);
    });
    expect(live.map((a) => [a.kind, a.priority, a.state, a.outcome])).toEqual([
      // SpO2 89 % scores 3 in NEWS2: a red score, medium; it clears 5 min after the score falls.
      ['news2', 'medium', 'resolved', 'self_cleared'],
      ['vital.hr_high', 'medium', 'resolved', 'self_cleared'],
      ['vital.spo2_low', 'high', 'active', undefined],
    ]);
    expect(batched).toEqual(live);
    expect(shuffled).toEqual(live);
  });

  it('raises again after a person handled an alert whose condition went on', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 70, () => ({ hr: 125 })),
    );
    const [first] = await byKind(t, 'vital.hr_high');
    await t.alerts.resolve(first?.id ?? '', 'u1', 'handled');
    await t.monitor.vitals(
      wearable,
      series(T0 + 70 * S, 50, () => ({ hr: 125 })),
    );
    expect(await t.stores.alerts.list({ state: 'open' })).toHaveLength(0);
    await t.monitor.vitals(
      wearable,
      series(T0 + 120 * S, 30, () => ({ hr: 125 })),
    );
    expect((await byKind(t, 'vital.hr_high')).filter((a) => a.state === 'active')).toHaveLength(1);
  });
});

describe('Monitor: a false alarm resolved while its condition goes on', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });
  const open = async () => (await byKind(t, 'vital.hr_high')).filter((a) => a.state !== 'resolved');

  it('is not raised again at the same tier, but is when it worsens, and when it clears and returns', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 70, () => ({ hr: 125 })),
    );
    const [first] = await open();
    await t.alerts.resolve(first?.id ?? '', 'u1', 'false_alarm');
    // Twenty more minutes at 125: a carer who said "false alarm" is not told again.
    await t.monitor.vitals(
      wearable,
      series(T0 + 70 * S, 20 * 60, () => ({ hr: 125 })),
    );
    expect(await open()).toEqual([]);
    // Worse: past the high tier for its window.
    await t.monitor.vitals(
      wearable,
      series(T0 + 1270 * S, 70, () => ({ hr: 133 })),
    );
    const [worse] = await open();
    expect(worse).toMatchObject({ priority: 'high', occurrences: 1 });
    expect(worse?.id).not.toBe(first?.id);
    await t.alerts.resolve(worse?.id ?? '', 'u1', 'no_action_needed');
    // Clears (2 min under 115), then returns: a new episode is raised.
    await t.monitor.vitals(
      wearable,
      series(T0 + 1340 * S, 150, () => ({ hr: 90 })),
    );
    await t.monitor.vitals(
      wearable,
      series(T0 + 1490 * S, 70, () => ({ hr: 125 })),
    );
    expect(await open()).toMatchObject([{ priority: 'medium', state: 'active' }]);
  });
});

describe('Monitor: NEWS2', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });

  it('publishes live vitals with NEWS2 of the latest clean readings, scored at the device time', async () => {
    await t.monitor.vitals(wearable, [{ ts: T0, hr: 95, spo2: 95, rr: 22, temp: 38.4, sbp: 120, consciousness: 'A' }]);
    const [d] = t.published;
    expect(d).toMatchObject({ residentId: 'r1', hr: 95, spo2: 95 });
    // hr 95 (1) + spo2 95 (1) + rr 22 (2) + temp 38.4 (1) + sbp (0) + alert (0) + air (care plan) 0
    expect(d?.news2).toMatchObject({ score: 5, risk: 'medium', partial: false });
    expect(d?.news2?.at).toBe(new Date(T0).toISOString());
  });

  it('raises one news2 alert once its band persists, and escalates it as it worsens', async () => {
    const base = { hr: 95, spo2: 94, rr: 22, temp: 38.4, sbp: 120 };
    await t.monitor.vitals(wearable, [{ ts: T0, ...base, consciousness: 'A' }]);
    await t.monitor.vitals(
      wearable,
      series(T0 + S, 30, () => base),
    );
    expect(await byKind(t, 'news2')).toHaveLength(0);
    await t.monitor.vitals(
      wearable,
      series(T0 + 31 * S, 40, () => base),
    );
    let [a] = await byKind(t, 'news2');
    expect(a).toMatchObject({ priority: 'medium', title: 'NEWS2 5: urgent assessment' });
    expect(a?.explanation).toMatchObject({ rule: 'news2@1', inputs: { news2: { score: 5, risk: 'medium' } } });
    // New confusion (3) on top: 8 → high once that persists too; same alert, same occurrence.
    await t.monitor.vitals(wearable, [{ ts: T0 + 71 * S, ...base, consciousness: 'C' }]);
    await t.monitor.vitals(
      wearable,
      series(T0 + 72 * S, 61, () => base),
    );
    const all = await byKind(t, 'news2');
    expect(all).toHaveLength(1);
    [a] = all;
    expect(a).toMatchObject({ priority: 'high', occurrences: 1, title: 'NEWS2 8: emergency assessment' });
  });
});

describe('Monitor: noise controls', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });

  it('filters a one-sample artefact even with no persistence window, but not a sustained change', async () => {
    await t.ruleSettings.update('f1', { vitals: { hr: { forMs: 0 } } }, 'u1');
    await t.monitor.vitals(
      wearable,
      series(T0, 10, (i) => ({ hr: i === 5 ? 170 : 72 })),
    );
    expect(await t.stores.alerts.list()).toHaveLength(0);
    await t.monitor.vitals(
      wearable,
      series(T0 + 10 * S, 3, () => ({ hr: 135 })),
    );
    expect((await byKind(t, 'vital.hr_high'))[0]).toMatchObject({
      priority: 'high',
      explanation: { rule: 'vital-threshold.hr_high@2' },
    });
  });

  it('inhibits vitals of an unworn wearable, raises its own technical alert, and clears it when worn', async () => {
    await t.monitor.vitals(
      wearable,
      series(T0, 50, () => ({ hr: 125 })),
    );
    // Off the wrist: junk readings (a frozen number) are not judged, and the vital window is broken.
    await t.monitor.vitals(
      wearable,
      series(T0 + 50 * S, 301, () => ({ worn: false, hr: 30, spo2: 60 })),
    );
    const [nw] = await byKind(t, 'device.not_worn');
    expect(nw).toMatchObject({ priority: 'low', state: 'active', conditionHolds: true });
    await t.monitor.vitals(
      wearable,
      series(T0 + 351 * S, 30, () => ({ worn: true, hr: 125 })),
    );
    expect((await t.stores.alerts.list()).filter((a) => a.kind.startsWith('vital.')).map((a) => a.title)).toEqual([]);
    expect((await byKind(t, 'device.not_worn'))[0]).toMatchObject({ state: 'resolved', outcome: 'self_cleared' });
  });

  it('raises not-worn at once on a wear_off event and clears it on wear_on', async () => {
    await t.monitor.event(wearable, { ts: T0, type: 'wear_off' });
    expect((await byKind(t, 'device.not_worn'))[0]).toMatchObject({ state: 'active', priority: 'low' });
    await t.monitor.event(wearable, { ts: T0 + S, type: 'wear_on' });
    expect((await byKind(t, 'device.not_worn'))[0]).toMatchObject({ state: 'resolved', outcome: 'self_cleared' });
  });

  it('warns of a low battery, escalates a critical one, and clears when charged', async () => {
    await t.monitor.vitals(wearable, [{ ts: T0, battery: 14 }]);
    expect((await byKind(t, 'device.low_battery'))[0]).toMatchObject({
      priority: 'low',
      title: 'Wearable battery 14 %',
    });
    await t.monitor.vitals(wearable, [{ ts: T0 + S, battery: 5 }]);
    expect((await byKind(t, 'device.low_battery'))[0]).toMatchObject({ priority: 'medium', occurrences: 1 });
    await t.monitor.vitals(wearable, [{ ts: T0 + 2 * S, battery: 20 }]);
    expect((await byKind(t, 'device.low_battery'))[0]?.state).toBe('active');
    await t.monitor.vitals(wearable, [{ ts: T0 + 3 * S, battery: 30 }]);
    expect((await byKind(t, 'device.low_battery'))[0]).toMatchObject({ state: 'resolved', outcome: 'self_cleared' });
  });
});

describe('Monitor: activity and personal baseline', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });

  it('raises inactivity after 3 h without steps in waking hours and clears on the next step', async () => {
    const every = 60 * S;
    const still = Array.from({ length: 181 }, (_, i) => ({ ts: T0 + i * every, steps: 1200, hr: 70 }));
    for (const s of still.slice(0, 180)) await t.monitor.vitals(wearable, [s]);
    expect(await byKind(t, 'resident.inactivity')).toHaveLength(0);
    await t.monitor.vitals(wearable, still.slice(180));
    const [a] = await byKind(t, 'resident.inactivity');
    expect(a).toMatchObject({ priority: 'medium', title: 'No movement for 3 h' });
    expect(a?.explanation.condition).toContain('07:30–21:30 (Asia/Shanghai)');
    await t.monitor.vitals(wearable, [{ ts: T0 + 182 * every, steps: 1210, hr: 70 }]);
    expect((await byKind(t, 'resident.inactivity'))[0]).toMatchObject({ state: 'resolved', outcome: 'self_cleared' });
  });

  it('does not count sleep as inactivity', async () => {
    const night = Date.parse('2026-01-01T15:00:00Z'); // 23:00 in Shanghai
    for (let i = 0; i <= 300; i += 5) await t.monitor.vitals(wearable, [{ ts: night + i * MIN, steps: 3000 }]);
    expect(await byKind(t, 'resident.inactivity')).toHaveLength(0);
  });

  it('raises a deviation from the resident own resting heart rate, naming the baseline', async () => {
    // 2.5 h at rest around 62 bpm (every 10 s), then 90 bpm: far below the fixed limit of 120.
    const rest = Array.from({ length: 900 }, (_, i) => ({ ts: T0 + i * 10 * S, hr: 62 + (i % 3) - 1, steps: 500 }));
    await t.monitor.vitals(wearable, rest);
    const high = Array.from({ length: 100 }, (_, i) => ({ ts: T0 + 9000 * S + i * 10 * S, hr: 90, steps: 500 }));
    await t.monitor.vitals(wearable, high);
    const [a] = await byKind(t, 'vital.hr_baseline');
    expect(a).toMatchObject({ priority: 'low', title: 'Resting heart rate 90 bpm, usually 62' });
    expect(a?.explanation.inputs).toMatchObject({ baselineMean: 62, limit: 82 });
    expect(await byKind(t, 'vital.hr_high')).toHaveLength(0);
  });
});

describe('Monitor: facility sensors', () => {
  let t: Setup;
  beforeEach(async () => {
    t = setup();
    await seed(t);
  });

  it('latches smoke but lets a water leak self-clear', async () => {
    await t.monitor.telemetry(sensor, { ts: T0, smoke: true, waterLeak: true });
    await t.monitor.telemetry(sensor, { ts: T0 + S, smoke: false, waterLeak: false });
    const all = await t.stores.alerts.list();
    expect(all.find((a) => a.kind === 'facility.smoke')).toMatchObject({ state: 'active', conditionHolds: false });
    expect(all.find((a) => a.kind === 'facility.water_leak')).toMatchObject({
      state: 'resolved',
      outcome: 'self_cleared',
    });
  });

  it('raises room temperature only after 10 min out of range', async () => {
    for (let i = 0; i <= 10; i++) await t.monitor.telemetry(sensor, { ts: T0 + i * MIN, airTemp: 34 });
    expect((await byKind(t, 'facility.air_temp'))[0]).toMatchObject({ priority: 'medium', roomId: 'room-2' });
    expect(await t.stores.alerts.list()).toHaveLength(1);
  });
});

describe('Monitor: versioned rules', () => {
  it('names the facility rules version and the care-plan version in every explanation', async () => {
    const t = setup();
    await seed(t);
    await t.ruleSettings.update('f1', { vitals: { sbp: { high: 170 } } }, 'manager');
    const r = (await t.stores.residents.get('r1'))!;
    await t.stores.residents.put({ ...r, carePlanVersion: 3, carePlan: { thresholds: { sbp: { high: 160 } } } });
    await t.monitor.vitals(wearable, [{ ts: T0, sbp: 165 }]);
    // One cuff reading is not enough: the next one, 15 min later, confirms it.
    expect(await byKind(t, 'vital.sbp_high')).toHaveLength(0);
    await t.monitor.vitals(wearable, [{ ts: T0 + 15 * MIN, sbp: 166 }]);
    const [a] = await byKind(t, 'vital.sbp_high');
    expect(a?.explanation).toMatchObject({ rule: 'vital-threshold.sbp_high@2/cp3', inputs: { limits: { high: 160 } } });
  });
});
