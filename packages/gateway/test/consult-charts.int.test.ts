import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, startHarness } from './fixtures.ts';

/**
 * What the consult charts read over REST (issue 14 item 3): the stepped history keeps the last
 * reading of every vital in a step, and the report names the limits the charts draw.
 */
describe('consult charts over REST', () => {
  let h: Harness;
  let doctor: string;
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;

  beforeAll(async () => {
    h = await startHarness();
    doctor = await login(h.base, 'medical1');
    // In one minute: a cuff reading first, the wristband after it; then the next minute's heart rate.
    await h.stores.vitals.append('r1', { ts: minute + 5_000, sbp: 142, dbp: 88 });
    await h.stores.vitals.append('r1', { ts: minute + 20_000, hr: 77, spo2: 96 });
    await h.stores.vitals.append('r1', { ts: minute + 40_000, hr: 79 });
    await h.stores.vitals.append('r1', { ts: minute + 65_000, hr: 81 });
  });
  afterAll(() => h.close());

  it('steps the history to the last reading of each vital per step', async () => {
    const res = await api(h.base, 'GET', `/api/residents/r1/vitals?from=${minute}&to=${minute + 120_000}&step=60000`, {
      token: doctor,
    });
    expect(res.status).toBe(200);
    expect(res.body.points).toEqual([
      { ts: new Date(minute + 40_000).toISOString(), sbp: 142, dbp: 88, hr: 79, spo2: 96 },
      { ts: new Date(minute + 65_000).toISOString(), hr: 81 },
    ]);
  });

  it('names the limits and SpO2 scale in the report', async () => {
    const res = await api(h.base, 'GET', '/api/residents/r1/report', { token: doctor });
    expect(res.status).toBe(200);
    const { hr, sbp } = DEFAULT_RULE_SETTINGS.vitals;
    expect(res.body.limits.hr).toEqual({
      low: hr.low,
      high: hr.high,
      criticalLow: hr.criticalLow,
      criticalHigh: hr.criticalHigh,
    });
    expect(res.body.limits.sbp.high).toBe(sbp.high);
    expect(res.body.limits.dbp).toBeUndefined();
    expect(res.body.spo2Scale).toBe(1);
  });
});
