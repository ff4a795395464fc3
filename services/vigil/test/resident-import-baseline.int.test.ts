import type { Bundle, Observation } from '@medplum/fhirtypes';
import type { Alert, HealthReport, Resident } from '@vigil/contracts';
import { loadSpecification } from '@vigil/fhir';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

const MIN = 60_000;
const PASSWORD = 'staff-pass-123';

/**
 * Issue 15 item 4, "the new facility starts with baselines instead of a blank resident", through the
 * real path, as the transfer test checks it within one deployment: a resident whose resting heart
 * rate facility A learned over MQTT is exported (FHIR) and imported at facility B. B's wearable then
 * reads the resident's usual pulse without alarm, and a rise that only that baseline can see is
 * caught at once. The same bundle without its baseline observation gives a blank resident, in warm-up,
 * who is not alarmed about the same rise: the baseline is what made the difference.
 */
describe('importing a resident brings the personal baseline learned elsewhere', () => {
  let p: Platform;
  let admin: string;
  let managerB: string;
  let exported: Bundle;
  /** Device time of A's first learning reading: 140 resting minutes ending an hour ago. */
  const t0 = Date.now() - 200 * MIN;
  /** B's readings start where A's ended. */
  const atB = t0 + 141 * MIN;
  const consent = { caregiver: true, medical: true, manager: true, location: false };

  const sample = (ts: number, hr: number) => ({ ts, hr, steps: 1000, worn: true });
  const publish = (client: MqttClient, facilityId: string, deviceId: string, samples: object[]) =>
    client.publishAsync(`care/${facilityId}/devices/${deviceId}/vitals`, JSON.stringify({ samples }), { qos: 1 });
  const openVitalAlerts = async (residentId: string) =>
    (await p.must<Alert[]>('GET', `/api/alerts?facilityId=fb&residentId=${residentId}&state=open`, admin))
      .map((a) => a.kind)
      .filter((k) => k.startsWith('vital.'));
  const wearableAtB = async (deviceId: string, residentId: string) => {
    const { secret } = await p.must<{ secret: string }>('POST', '/api/devices', admin, {
      id: deviceId,
      facilityId: 'fb',
      kind: 'wearable',
      residentId,
    });
    return p.connectDevice(deviceId, secret);
  };
  const importAs = async (bundle: Bundle, id: string) =>
    p.must<{ resident: Resident; imported: { baselines: string[] } }>('POST', '/api/residents/import', managerB, {
      id,
      bundle,
      facilityId: 'fb',
      name: 'Mrs Lin',
      zoneId: 'zb',
      roomId: '7',
      consent,
    });
  /** Sends 20 min of the usual 60 bpm, then 20 min of 88 at rest (under every fixed limit). */
  const firstHourAtB = async (client: MqttClient, deviceId: string, residentId: string) => {
    await publish(
      client,
      'fb',
      deviceId,
      Array.from({ length: 20 }, (_, i) => sample(atB + i * MIN, 60)),
    );
    await publish(
      client,
      'fb',
      deviceId,
      Array.from({ length: 20 }, (_, i) => sample(atB + (20 + i) * MIN, 88)),
    );
    await expect
      .poll(
        async () =>
          (
            await p.must<{ points: unknown[] }>(
              'GET',
              `/api/residents/${residentId}/vitals?from=${atB}&to=${atB + 40 * MIN}&step=60000`,
              managerB,
            )
          ).points.length,
        { timeout: 10_000 },
      )
      .toBe(40);
  };

  beforeAll(async () => {
    loadSpecification();
    p = await startPlatform({ simulator: false });
    admin = await p.login('admin', 'admin-pass-123');
    await p.must('POST', '/api/facilities', admin, { id: 'fa', name: 'Lakeside', zones: [{ id: 'z1', name: 'East' }] });
    await p.must('POST', '/api/facilities', admin, { id: 'fb', name: 'Hillside', zones: [{ id: 'zb', name: 'Sun' }] });
    for (const [id, facilityId] of [
      ['managerA', 'fa'],
      ['managerB', 'fb'],
    ] as const)
      await p.must('POST', '/api/users', admin, {
        id,
        username: id,
        password: PASSWORD,
        name: id,
        role: 'manager',
        facilityIds: [facilityId],
      });
    managerB = await p.login('managerB', PASSWORD);
    await p.must('POST', '/api/residents', admin, {
      id: 'r1',
      facilityId: 'fa',
      name: 'Mrs Lin',
      zoneId: 'z1',
      roomId: '1',
    });
    await p.must('PUT', '/api/residents/r1/consent', admin, { manager: true });
    const { secret } = await p.must<{ secret: string }>('POST', '/api/devices', admin, {
      id: 'w1',
      facilityId: 'fa',
      kind: 'wearable',
      residentId: 'r1',
    });
    const w1 = await p.connectDevice('w1', secret);
    // 140 minutes of resting readings around 60 bpm, past the baseline's 2 h warm-up (clinical rules).
    await publish(
      w1,
      'fa',
      'w1',
      Array.from({ length: 141 }, (_, i) => sample(t0 + i * MIN, 58 + (i % 3) * 2)),
    );
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('exports the learned baseline and seeds it at B: the report there shows it in use at once', async () => {
    const managerA = await p.login('managerA', PASSWORD);
    const report = () => p.must<HealthReport>('GET', '/api/residents/r1/report', managerA);
    await expect.poll(async () => (await report()).baselines?.[0]?.state, { timeout: 10_000 }).toBe('active');
    // An hourly step keeps the bundle small: the baseline travels whatever the window.
    exported = await p.must<Bundle>('GET', `/api/residents/r1/fhir?from=${t0}&to=${atB}&step=3600000`, managerA);
    const baseline = (exported.entry ?? [])
      .map((e) => e.resource)
      .find((r): r is Observation => r?.resourceType === 'Observation' && r.code.coding?.[0]?.code === '40443-4');
    // Minutes 5…140 of 58, 60, 62 in turn from 62: 136 readings, 46 of 62 and 45 each of 58 and 60,
    // so the mean is 8162 / 136 = 60.01 (two decimals in the export, one in the report).
    expect(baseline?.valueQuantity).toMatchObject({ value: 60.01, code: '/min' });
    const res = await importAs(exported, 'rb1');
    expect(res.imported.baselines).toEqual(['hr']);
    const atBReport = await p.must<HealthReport>('GET', '/api/residents/rb1/report', managerB);
    expect(atBReport.baselines).toEqual([
      expect.objectContaining({
        mean: 60,
        samples: 136,
        learningSince: new Date(t0 + 5 * MIN).toISOString(),
        lastLearnedAt: new Date(t0 + 140 * MIN).toISOString(),
        state: 'active',
      }),
    ]);
  });

  it('judges B’s first readings against it: the usual pulse raises nothing, a deviation from it is caught', async () => {
    const w2 = await wearableAtB('w2', 'rb1');
    await firstHourAtB(w2, 'w2', 'rb1');
    // 88 bpm at rest is under every fixed limit, but 28 over this resident's own 60.
    await expect.poll(() => openVitalAlerts('rb1'), { timeout: 10_000 }).toEqual(['vital.hr_baseline']);
  });

  it('without the baseline observation, the same resident arrives blank and in warm-up: the rise goes unseen', async () => {
    const blank = structuredClone(exported);
    blank.entry = (blank.entry ?? []).filter(
      (e) => !(e.resource?.resourceType === 'Observation' && e.resource.code.coding?.[0]?.code === '40443-4'),
    );
    expect((await importAs(blank, 'rb2')).imported.baselines).toEqual([]);
    const w3 = await wearableAtB('w3', 'rb2');
    await firstHourAtB(w3, 'w3', 'rb2');
    // rb1's alert, raised from the same readings, came within the poll; rb2's never will.
    await new Promise((r) => setTimeout(r, 500));
    expect(await openVitalAlerts('rb2')).toEqual([]);
    expect((await p.must<HealthReport>('GET', '/api/residents/rb2/report', managerB)).baselines).toEqual([
      expect.objectContaining({ state: 'warming_up' }),
    ]);
  });
});
