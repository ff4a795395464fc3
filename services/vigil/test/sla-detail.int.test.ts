import type { AlertEnvelope, SlaEnvelope, SlaWarning } from '@vigil/contracts';
import type { ManualClock } from '@vigil/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from './harness.ts';
import { MANAGER, startWithManager } from './manager-harness.ts';

const S = 1000;
const MIN = 60 * S;

/**
 * Issue 13: an SLA warning about an unacknowledged alert used to quote the alert's title, which holds
 * the values that fired it ("Heart rate high: 163 bpm"), and went to managers whom the resident's
 * consent does not cover. Through the real path: a wearable publishes a heart rate of 163 over MQTT,
 * nobody acknowledges the alert, the limit passes on the platform's clock, and the manager (no manager
 * consent, the default) gets the warning over Socket.IO and REST with the alert's id, plain kind name,
 * rule and resident, and no value; the warning as stored carries none either (fixed where it is written).
 */
describe('an SLA warning about an alert carries no health value', () => {
  let p: Platform;
  let clock: ManualClock;
  let device: { residentId: string; deviceId: string; secret: string };

  beforeAll(async () => {
    ({ p, clock, device } = await startWithManager());
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('names the alert, its rule and resident, never the heart rate', async () => {
    const carer = await p.connectBoard(await p.login('carer1', 'carer-pass-123'));
    const manager = await p.connectBoard(await p.login(MANAGER.username, MANAGER.password));
    const raised: AlertEnvelope[] = [];
    carer.on('alert', (e) => raised.push(e));
    const warnings: SlaEnvelope[] = [];
    manager.on('sla', (e) => warnings.push(e));

    const wearable = await p.connectDevice(device.deviceId, device.secret);
    const t0 = clock.now() - 5 * MIN;
    for (let i = 0; i < 60; i++) {
      const sample = { ts: t0 + i * 5 * S, seq: i + 1, hr: 163, spo2: 97 };
      await wearable.publishAsync(`care/f1/devices/${device.deviceId}/vitals`, JSON.stringify(sample), { qos: 1 });
    }
    await expect
      .poll(() => raised.find((e) => e.type === 'alert.raised' && e.data.kind === 'vital.hr_high'), { timeout: 8000 })
      .toBeDefined();
    const alert = raised.find((e) => e.data.kind === 'vital.hr_high')!.data;
    // The caregiver (consent) sees the value: it is what must not reach the manager.
    expect(alert.title).toContain('163');

    clock.advance(31 * MIN);
    const unacknowledged = () =>
      warnings.find((e) => e.data.alertId === alert.id && e.data.kind === 'alert_unacknowledged');
    await expect.poll(unacknowledged, { timeout: 8000 }).toBeDefined();
    const live = unacknowledged()!.data;
    expect(live).toMatchObject({
      kind: 'alert_unacknowledged',
      alertKind: 'vital.hr_high',
      alertPriority: alert.priority,
      residentId: 'r1',
    });
    expect(live.detail).toContain(`alert ${alert.id}`);
    expect(live.detail).toContain('resident r1');
    expect(live.detail).toContain(`rule ${alert.explanation.rule}`);
    expect(live.detail).toContain('Heart rate high');
    expect(JSON.stringify(live)).not.toContain('163');

    const boss = await p.login(MANAGER.username, MANAGER.password);
    const listed = await p.must<SlaWarning[]>('GET', '/api/sla/warnings?facilityId=f1', boss);
    const rest = listed.find((w) => w.id === live.id)!;
    expect(rest.detail).toBe(live.detail);
    expect(JSON.stringify(rest)).not.toContain('163');
    // Written without it: nothing downstream has to take it out.
    const stored = await p.app.stores.slaWarnings.get(live.id);
    expect(JSON.stringify(stored)).not.toContain('163');
  });
});
