import { describe, expect, it } from 'vitest';
import { NEWS2_CHART1, news2Subscore } from './news2.ts';
import { THRESHOLD_VITALS } from './rule-settings.ts';
import { VITAL_BOUNDS, VITAL_KEYS, VITALS } from './vitals.ts';

describe('VITALS: each vital declared once', () => {
  it('lists the sample fields of contract §1.1 in wire order', () => {
    expect(VITAL_KEYS).toEqual(['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp']);
    expect(THRESHOLD_VITALS).toEqual(['hr', 'spo2', 'rr', 'sbp', 'temp']);
  });

  it('derives the physical bounds of contract §1.4', () => {
    expect(VITAL_BOUNDS).toEqual({
      hr: { min: 0, max: 300 },
      spo2: { min: 0, max: 100 },
      rr: { min: 0, max: 80 },
      sbp: { min: 0, max: 300 },
      dbp: { min: 0, max: 250 },
      temp: { min: 25, max: 45 },
      battery: { min: 0, max: 100 },
    });
  });

  it('has a chart 1 row for every vital NEWS2 scores, each inside the physical bounds', () => {
    for (const [vital, row] of Object.entries(NEWS2_CHART1) as [keyof typeof NEWS2_CHART1, typeof NEWS2_CHART1.hr][]) {
      for (const [upTo] of row.bands) {
        expect(upTo).toBeGreaterThanOrEqual(VITALS[vital].bounds.min);
        expect(upTo).toBeLessThanOrEqual(VITALS[vital].bounds.max);
      }
    }
  });

  it('scores at the chart precision (whole numbers; one decimal for temperature)', () => {
    expect(news2Subscore('hr', 90.4)).toBe(0);
    expect(news2Subscore('hr', 90.5)).toBe(1);
    expect(news2Subscore('temp', 36.05)).toBe(0);
    expect(news2Subscore('temp', 39.1)).toBe(2);
  });
});
