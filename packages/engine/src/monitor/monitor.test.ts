import { DEFAULT_CONSENT, type LoggedEvent, type VitalsEventData } from '@vigil/contracts';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores, type DeviceRecord } from '@vigil/stores';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertService } from '../alerts/alert-service.ts';
import { Monitor } from './monitor.ts';

const wearable: DeviceRecord = {
  id: 'w1',
  kind: 'wearable',
  facilityId: 'f1',
  residentId: 'r1',
  secretHash: 'x',
  state: 'provisioned',
  createdAt: 0,
};
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

describe('Monitor', () => {
  let clock: ManualClock;
  let stores: ReturnType<typeof createMemoryStores>;
  let alerts: AlertService;
  let monitor: Monitor;
  let events: LoggedEvent[];

  beforeEach(async () => {
    clock = new ManualClock();
    stores = createMemoryStores(() => clock.now());
    alerts = new AlertService({ alerts: stores.alerts, events: stores.events, clock });
    monitor = new Monitor({ stores, alerts, logger: silentLogger() });
    events = [];
    stores.events.subscribe((e) => events.push(e));
    await stores.residents.put({
      id: 'r1',
      facilityId: 'f1',
      name: 'Li Wei',
      zoneId: 'z1',
      roomId: 'room-1',
      carePlan: { thresholds: { hr: { high: 110 } } },
      consent: DEFAULT_CONSENT,
    });
    await stores.devices.put(wearable);
    await stores.devices.put(sensor);
  });

  const alertEvents = () => events.filter((e) => e.event === 'alert').map((e) => e.envelope.type);

  it('raises SOS at once as high with an explanation, and counts repeats on one open alert', async () => {
    await monitor.event(wearable, { ts: clock.now(), type: 'sos' });
    await monitor.event(wearable, { ts: clock.now() + 1000, type: 'sos' });
    const open = await stores.alerts.list({ state: 'open' });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      kind: 'sos',
      priority: 'high',
      residentId: 'r1',
      roomId: 'room-1',
      occurrences: 2,
      explanation: { rule: 'device-event.sos@1', condition: expect.stringContaining('event sos') },
    });
    expect(alertEvents()).toEqual(['alert.raised', 'alert.updated']);
  });

  it('cancels an unacknowledged SOS, but not an acknowledged one', async () => {
    await monitor.event(wearable, { ts: clock.now(), type: 'sos' });
    await monitor.event(wearable, { ts: clock.now(), type: 'sos_cancel' });
    expect((await stores.alerts.list())[0]).toMatchObject({ state: 'resolved', outcome: 'cancelled' });

    const again = await alerts.raise({
      facilityId: 'f1',
      residentId: 'r1',
      kind: 'sos',
      priority: 'high',
      title: 'SOS',
      observedAt: clock.now(),
      explanation: { rule: 'x', inputs: {}, condition: 'x' },
    });
    await alerts.acknowledge(again.id, 'u1');
    await monitor.event(wearable, { ts: clock.now(), type: 'sos_cancel' });
    expect((await stores.alerts.get(again.id))?.state).toBe('acknowledged');
  });

  it('applies per-resident thresholds and suppresses vitals from an unworn device', async () => {
    await monitor.vitals(wearable, [{ ts: clock.now(), hr: 112, worn: false }]);
    expect(await stores.alerts.list()).toHaveLength(0);
    await monitor.vitals(wearable, [{ ts: clock.now(), hr: 112 }]);
    const [a] = await stores.alerts.list();
    expect(a).toMatchObject({ kind: 'vital.hr_high', priority: 'medium' });
    expect(a?.explanation.inputs).toMatchObject({ hr: 112, limits: { high: 110 } });
    expect((await stores.vitals.latest('r1'))?.values.hr?.v).toBe(112);
  });

  it('publishes live vitals with NEWS2 of the latest fresh readings, scored at the device time', async () => {
    const published: VitalsEventData[] = [];
    const live = new Monitor({
      stores,
      alerts,
      logger: silentLogger(),
      vitalsFeed: { publish: (_f, d) => published.push(d) },
    });
    const t = clock.now();
    await live.vitals(wearable, [{ ts: t, hr: 95, spo2: 95, rr: 22, temp: 38.4, sbp: 120, consciousness: 'A' }]);
    const [d] = published;
    expect(d).toMatchObject({ residentId: 'r1', hr: 95, spo2: 95 });
    // hr 95 (1) + spo2 95 (1) + rr 22 (2) + temp 38.4 (1) + sbp (0) + alert (0); oxygen unknown
    expect(d?.news2).toMatchObject({ score: 5, risk: 'medium', partial: true, missing: ['air'] });
    expect(d?.news2?.at).toBe(new Date(t).toISOString());
  });

  it('raises one news2 alert with the score in its explanation, and raises its priority as it worsens', async () => {
    const t = clock.now();
    // rr 22 (2) + spo2 94 (1) + temp 38.4 (1) + hr 95 (1) = 5 → medium (no single vital past its limits)
    await monitor.vitals(wearable, [{ ts: t, hr: 95, spo2: 94, rr: 22, temp: 38.4, sbp: 120, consciousness: 'A' }]);
    const news2Alerts = async () => (await stores.alerts.list()).filter((x) => x.kind === 'news2');
    let [a] = await news2Alerts();
    expect(a).toMatchObject({ kind: 'news2', priority: 'medium', title: 'NEWS2 5: urgent assessment' });
    expect(a?.explanation).toMatchObject({ rule: 'news2@1', inputs: { news2: { score: 5, risk: 'medium' } } });
    // New confusion (3) on top: 8 → high, same alert
    await monitor.vitals(wearable, [{ ts: t + 1000, hr: 95, consciousness: 'C' }]);
    const all = await news2Alerts();
    expect(all).toHaveLength(1);
    [a] = all;
    expect(a).toMatchObject({ priority: 'high', occurrences: 2, title: 'NEWS2 8: emergency assessment' });
  });

  it('latches smoke but lets a water leak self-clear', async () => {
    await monitor.telemetry(sensor, { ts: clock.now(), smoke: true, waterLeak: true });
    await monitor.telemetry(sensor, { ts: clock.now(), smoke: false, waterLeak: false });
    const all = await stores.alerts.list();
    expect(all.find((a) => a.kind === 'facility.smoke')?.state).toBe('active');
    expect(all.find((a) => a.kind === 'facility.water_leak')).toMatchObject({
      state: 'resolved',
      outcome: 'self_cleared',
    });
  });

  it('marks a device offline from its Last Will and clears the alert when it returns', async () => {
    await monitor.vitals(wearable, [{ ts: clock.now(), hr: 70 }]);
    const online = (await stores.devices.get('w1'))!;
    await monitor.status(online, { state: 'offline' }, clock.now());
    expect((await stores.devices.get('w1'))?.state).toBe('offline');
    expect((await stores.alerts.list({ state: 'open' }))[0]).toMatchObject({
      kind: 'device.offline',
      priority: 'medium',
    });
    await monitor.status((await stores.devices.get('w1'))!, { state: 'online' }, clock.now());
    expect(await stores.alerts.list({ state: 'open' })).toHaveLength(0);
    expect(events.filter((e) => e.event === 'device').map((e) => e.envelope.type)).toEqual([
      'device.online',
      'device.offline',
      'device.online',
    ]);
  });
});
