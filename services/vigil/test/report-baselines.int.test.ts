import type { AuditEntry, HealthReport } from '@vigil/contracts';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './harness.ts';

const MIN = 60_000;

/**
 * Issue 15 item 1 "the personal baselines in use", through the real path: resting readings over MQTT
 * (steps unchanged, so the resident rests from five minutes in) teach the engine a resident's resting
 * heart rate; the report shows what its rule memory holds, with figures worked out by hand, and says
 * whether it is in use yet.
 */
describe('the report shows the personal baselines in use', () => {
  let p: Platform;
  let admin: string;
  let doctor: string;
  const wearables = new Map<string, MqttClient>();
  /** Device time of the first reading: the learning ends well in the past. */
  const t0 = Date.now() - 200 * MIN;

  /**
   * A reading a minute, alternating 58 and 62 bpm, the step counter still. Resting from minute 5
   * (clinical rules: no steps for 5 min), so minutes 5…`last` are learned.
   */
  const rest = async (residentNo: number, last: number) => {
    const samples = Array.from({ length: last + 1 }, (_, i) => ({
      ts: t0 + i * MIN,
      seq: i + 1,
      hr: i % 2 === 0 ? 58 : 62,
      steps: 1000,
      worn: true,
    }));
    await wearables
      .get(`w${residentNo}`)
      ?.publishAsync(`care/f1/devices/w${residentNo}/vitals`, JSON.stringify({ samples }), { qos: 1 });
  };
  const report = (residentId: string, token = doctor) =>
    p.must<HealthReport>('GET', `/api/residents/${residentId}/report?window=24h`, token);

  beforeAll(async () => {
    p = await startPlatform({ simulator: false });
    const provisioned = await p.provision(3);
    admin = provisioned.admin;
    await p.must('POST', '/api/users', admin, {
      id: 'doc1',
      username: 'doc1',
      password: 'doc1-pass-1234',
      name: 'Doctor',
      role: 'medical',
      facilityIds: ['f1'],
    });
    doctor = await p.login('doc1', 'doc1-pass-1234');
    for (const d of provisioned.devices) wearables.set(d.deviceId, await p.connectDevice(d.deviceId, d.secret));
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('gives the learned resting heart rate with hand-computed mean, spread, count and span, active past the warm-up', async () => {
    await rest(1, 140);
    await expect.poll(async () => (await report('r1')).baselines?.[0]?.samples, { timeout: 10_000 }).toBe(136);
    const [hr, ...more] = (await report('r1')).baselines ?? [];
    expect(more).toEqual([]);
    // Minutes 5…140: 136 readings, 68 of 58 and 68 of 62 → mean 60, sd 2 (the running mean the
    // baseline is before its data spans the 24 h half-life); limit 60 + max(20, 3 × 2) = 80.
    expect(hr).toEqual({
      vital: 'hr',
      context: 'resting',
      unit: '/min',
      mean: 60,
      sd: 2,
      limit: 80,
      samples: 136,
      learningSince: new Date(t0 + 5 * MIN).toISOString(),
      lastLearnedAt: new Date(t0 + 140 * MIN).toISOString(),
      learnedMs: 135 * MIN,
      warmupMs: 120 * MIN,
      state: 'active',
    });
  });

  it('says a baseline still warming up is not in use, and shows none before any resting reading', async () => {
    await rest(2, 60);
    await expect.poll(async () => (await report('r2')).baselines?.[0]?.samples, { timeout: 10_000 }).toBe(56);
    expect((await report('r2')).baselines?.[0]).toMatchObject({
      mean: 60,
      learnedMs: 55 * MIN,
      state: 'warming_up',
    });
    // Four minutes of readings: never resting yet, so nothing learned.
    await rest(3, 4);
    await expect
      .poll(async () => (await report('r3')).coverage?.lastAt, { timeout: 10_000 })
      .toBe(new Date(t0 + 4 * MIN).toISOString());
    expect((await report('r3')).baselines).toEqual([]);
  });

  it('is health data like the rest of the report: withheld without consent, every read audited', async () => {
    await p.must('PUT', '/api/residents/r1/consent', admin, { medical: false });
    expect((await p.api('GET', '/api/residents/r1/report', doctor)).status).toBe(403);
    await p.must('PUT', '/api/residents/r1/consent', admin, { medical: true });
    const audit = await p.must<AuditEntry[]>('GET', '/api/audit?facilityId=f1&residentId=r1', admin);
    const reads = audit.filter((e) => e.action === 'report.read');
    expect(reads.some((e) => e.outcome === 'denied')).toBe(true);
    expect(reads.filter((e) => e.outcome === 'allowed').length).toBeGreaterThanOrEqual(2);
  });
});
