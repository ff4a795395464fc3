import { describe, expect, it } from 'vitest';
import { FRESH_MS, limitLines, STEP_MS, vitalChartData } from './chart-data.ts';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const MIN = 60_000;
const hour = { fromMs: T0, toMs: T0 + 60 * MIN, stepMs: STEP_MS[1] };
const iso = (ms: number) => new Date(ms).toISOString();

describe('vitalChartData', () => {
  it('breaks the line where readings stop for longer than the vital is fresh, and only there', () => {
    // Heart rate every minute for 10 min, silent for 30 min (longer than 10 min freshness), then again.
    const points = [
      ...Array.from({ length: 10 }, (_, i) => ({ ts: iso(T0 + i * MIN), hr: 70 + i })),
      ...Array.from({ length: 5 }, (_, i) => ({ ts: iso(T0 + (40 + i) * MIN), hr: 90 })),
    ];
    const d = vitalChartData(points, 'hr', hour);
    expect(d.readings).toBe(15);
    expect(d.gaps).toBe(1);
    // The window start (first reading at it replaces its null), the readings, one null inside the silence, the window end.
    const nulls = d.values.map((v, i) => (v === null ? d.x[i]! * 1000 : undefined)).filter((v) => v !== undefined);
    expect(nulls).toEqual([(T0 + 9 * MIN + T0 + 40 * MIN) / 2, T0 + 60 * MIN]);
    expect(d.x[0]).toBe(T0 / 1000);
    expect(d.x.at(-1)).toBe((T0 + 60 * MIN) / 1000);
    // x strictly increasing, as uPlot requires.
    expect(d.x.every((x, i) => i === 0 || x > d.x[i - 1]!)).toBe(true);
  });

  it('joins readings of a sparse vital while each still stands (a blood pressure every 4 h)', () => {
    const day = { fromMs: T0, toMs: T0 + 24 * 60 * MIN, stepMs: STEP_MS[24] };
    const points = [0, 4, 8].map((h) => ({ ts: T0 + h * 60 * MIN + MIN, sbp: 130 + h, hr: 70 }));
    const d = vitalChartData(points, 'sbp', day);
    expect(d.gaps).toBe(0);
    expect(d.values.filter((v) => v !== null)).toEqual([130, 134, 138]);
    expect(4 * 60 * MIN).toBeLessThan(FRESH_MS.sbp);
  });

  it('allows a stepped reading to sit one step late (hourly temperatures on the 24 h chart)', () => {
    const day = { fromMs: T0, toMs: T0 + 24 * 60 * MIN, stepMs: STEP_MS[24] };
    // Readings an hour apart, one of them moved to the end of its 15-minute step by the stepping.
    const points = [
      { ts: T0, temp: 36.8 },
      { ts: T0 + 74 * MIN, temp: 36.9 },
      { ts: T0 + 120 * MIN, temp: 37 },
    ];
    expect(vitalChartData(points, 'temp', day).gaps).toBe(0);
    // Two hours of silence is missing data.
    expect(vitalChartData([...points, { ts: T0 + 240 * MIN, temp: 37 }], 'temp', day).gaps).toBe(1);
  });

  it('reads only its own vital, and only inside the window', () => {
    const points = [
      { ts: T0 - MIN, hr: 50 },
      { ts: T0 + MIN, spo2: 95 },
      { ts: T0 + 2 * MIN, hr: 80, spo2: 94 },
      { ts: T0 + 61 * MIN, hr: 50 },
    ];
    const d = vitalChartData(points, 'hr', hour);
    expect(d.readings).toBe(1);
    expect(d.values.filter((v) => v !== null)).toEqual([80]);
  });

  it('never bridges a silence shorter than two steps into a gap (a stepped history has one point per step)', () => {
    const day = { fromMs: T0, toMs: T0 + 24 * 60 * MIN, stepMs: STEP_MS[24] };
    const points = Array.from({ length: 20 }, (_, i) => ({ ts: T0 + i * STEP_MS[24], hr: 70 }));
    expect(vitalChartData(points, 'hr', day).gaps).toBe(0);
  });

  it('keeps the limit lines on the chart: the y range spans readings and limits', () => {
    const d = vitalChartData([{ ts: T0 + MIN, spo2: 97 }], 'spo2', hour, { low: 93, criticalLow: 91 });
    expect(d.limits).toEqual([
      { value: 91, tier: 'critical' },
      { value: 93, tier: 'warn' },
    ]);
    const [lo, hi] = d.yRange!;
    expect(lo).toBeLessThan(91);
    expect(hi).toBeGreaterThan(97);
  });

  it('has no y range and no lines without data or limits', () => {
    const d = vitalChartData([], 'dbp', hour);
    expect(d.readings).toBe(0);
    expect(d.yRange).toBeNull();
    expect(d.limits).toEqual([]);
    expect(d.values.every((v) => v === null)).toBe(true);
  });
});

describe('limitLines', () => {
  it('orders first-tier and critical limits, one line where the two coincide', () => {
    expect(limitLines({ low: 50, high: 120, criticalLow: 40, criticalHigh: 120 })).toEqual([
      { value: 40, tier: 'critical' },
      { value: 50, tier: 'warn' },
      { value: 120, tier: 'critical' },
    ]);
  });
});

describe('the personal baseline line', () => {
  it('is kept apart from the fixed limits and widens the y range so it is always on the chart', () => {
    const points = Array.from({ length: 10 }, (_, i) => ({ ts: T0 + i * MIN, hr: 60 + (i % 3) }));
    const d = vitalChartData(points, 'hr', hour, { low: 40, high: 120 }, 80.4);
    expect(d.baseline).toBe(80.4);
    expect(d.limits.map((l) => l.value)).toEqual([40, 120]);
    const without = vitalChartData(points.slice(0, 3), 'hr', hour, undefined, 80.4);
    expect(without.yRange?.[1]).toBeGreaterThan(80.4);
    expect(vitalChartData(points, 'hr', hour).baseline).toBeNull();
  });
});
