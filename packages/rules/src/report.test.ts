import { type Alert, DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { healthReport } from './report.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

describe('healthReport', () => {
  const points = [
    { ts: T0, hr: 70, spo2: 97, rr: 14, temp: 36.8, sbp: 125, consciousness: 'A', onOxygen: false },
    { ts: T0 + 10 * MIN, hr: 125, spo2: 96, rr: 22 },
    { ts: T0 + 20 * MIN, hr: 80, spo2: 97, rr: 15 },
    { ts: T0 + 25 * MIN, hr: 999, worn: false },
    { ts: T0 + 30 * MIN, hr: 75, spo2: 97, rr: 14 },
  ];
  const alert = (over: Partial<Alert>): Alert => ({
    id: 'a',
    facilityId: 'f',
    residentId: 'r1',
    kind: 'vital.hr_high',
    priority: 'medium',
    state: 'resolved',
    outcome: 'self_cleared',
    title: 't',
    explanation: { rule: 'r', inputs: {}, condition: 'c' },
    raisedAt: new Date(T0 + 11 * MIN).toISOString(),
    lastSeenAt: new Date(T0 + 11 * MIN).toISOString(),
    occurrences: 1,
    escalationLevel: 0,
    ...over,
  });

  it('summarises each vital with observed time out of range, ignoring unworn samples', () => {
    const r = healthReport({
      residentId: 'r1',
      from: T0,
      to: T0 + 40 * MIN,
      points,
      alerts: [
        alert({}),
        alert({ id: 'b', kind: 'news2', state: 'active', outcome: undefined }),
        alert({ id: 'c', raisedAt: new Date(T0 - MIN).toISOString() }),
      ],
      // The device's onOxygen report holds 15 min; then the prescription counts.
      carePlan: { onOxygen: false },
      settings: DEFAULT_RULE_SETTINGS,
    });
    expect(r.vitals.hr).toEqual({
      min: 70,
      mean: 87.5,
      max: 125,
      samples: 4,
      outOfRangeMs: 10 * MIN,
      outOfRangePct: 25,
    });
    expect(r.vitals.sbp).toMatchObject({ samples: 1, outOfRangeMs: 0 });
    expect(r.coverage).toEqual({ firstAt: new Date(T0).toISOString(), lastAt: new Date(T0 + 30 * MIN).toISOString() });
    // Worst: hr 125 (2) + rr 22 (2) = 4 at +10 min; now: everything normal.
    expect(r.news2.worst).toMatchObject({ score: 4, at: new Date(T0 + 10 * MIN).toISOString() });
    expect(r.news2.current).toMatchObject({ score: 0, partial: false });
    expect(r.risk).toBe('low');
    expect(r.alerts).toEqual({
      raised: 2,
      open: 1,
      byKind: { 'vital.hr_high': 1, news2: 1 },
      outcomes: { self_cleared: 1 },
    });
  });

  it('is empty but well-formed without data', () => {
    const r = healthReport({
      residentId: 'r1',
      from: T0,
      to: T0 + MIN,
      points: [],
      alerts: [],
      carePlan: {},
      settings: DEFAULT_RULE_SETTINGS,
    });
    expect(r).toMatchObject({ coverage: null, vitals: {}, news2: { current: null, worst: null }, risk: 'low' });
  });

  it('names the limits it judged against: facility rules with the care plan overrides, and the SpO2 scale', () => {
    const r = healthReport({
      residentId: 'r1',
      from: T0,
      to: T0 + 40 * MIN,
      points,
      alerts: [],
      carePlan: { thresholds: { hr: { high: 110 } }, spo2Scale: 2 },
      settings: DEFAULT_RULE_SETTINGS,
    });
    const facilityHr = DEFAULT_RULE_SETTINGS.vitals.hr;
    expect(r.limits?.hr).toEqual({
      low: facilityHr.low,
      high: 110,
      criticalLow: facilityHr.criticalLow,
      criticalHigh: facilityHr.criticalHigh,
    });
    expect(r.limits?.spo2?.low).toBe(DEFAULT_RULE_SETTINGS.vitals.spo2.low);
    expect(r.limits).not.toHaveProperty('dbp');
    expect(r.spo2Scale).toBe(2);
  });
});
