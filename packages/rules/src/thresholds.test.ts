import { describe, expect, it } from 'vitest';
import { checkSample, checkThreshold, DEFAULT_THRESHOLDS, effectiveThresholds } from './thresholds.ts';

describe('checkThreshold', () => {
  const hr = DEFAULT_THRESHOLDS.hr;
  it.each([
    [119, undefined],
    [120, 'medium'],
    [130, 'medium'],
    [131, 'high'],
    [46, undefined],
    [45, 'medium'],
    [41, 'medium'],
    [40, 'high'],
  ])('heart rate %d → %s', (value, priority) => {
    expect(checkThreshold('hr', value, hr)?.priority).toBe(priority);
  });

  it('names the kind, limit and condition', () => {
    const b = checkThreshold('spo2', 88, DEFAULT_THRESHOLDS.spo2);
    expect(b).toMatchObject({ kind: 'vital.spo2_low', priority: 'high', limit: 91, direction: 'low' });
    expect(b?.condition).toBe('SpO2 ≤ 91 % (critical limit)');
  });

  it('judges both directions of temperature', () => {
    expect(checkThreshold('temp', 38.0, DEFAULT_THRESHOLDS.temp)?.kind).toBe('vital.temp_high');
    expect(checkThreshold('temp', 39.1, DEFAULT_THRESHOLDS.temp)?.priority).toBe('high');
    expect(checkThreshold('temp', 35.0, DEFAULT_THRESHOLDS.temp)).toMatchObject({
      kind: 'vital.temp_low',
      priority: 'high',
    });
    expect(checkThreshold('temp', 36.8, DEFAULT_THRESHOLDS.temp)).toBeUndefined();
  });
});

describe('effectiveThresholds', () => {
  it('applies care-plan overrides to the first tier only', () => {
    const t = effectiveThresholds({ thresholds: { hr: { high: 110 } } });
    expect(t.hr).toEqual({ low: 45, high: 110, criticalLow: 40, criticalHigh: 131 });
    expect(DEFAULT_THRESHOLDS.hr.high).toBe(120);
  });

  it('moves the critical tier when an override lies beyond it', () => {
    // An athlete with a resting pulse of 38: low limit 35 drags the critical tier along.
    const t = effectiveThresholds({ thresholds: { hr: { low: 35 } } });
    expect(t.hr.low).toBe(35);
    expect(t.hr.criticalLow).toBe(35);
    expect(checkThreshold('hr', 38, t.hr)).toBeUndefined();
  });

  it('lets a COPD resident live at a lower SpO2', () => {
    const t = effectiveThresholds({ thresholds: { spo2: { low: 87 } }, spo2Scale: 2 });
    expect(checkThreshold('spo2', 89, t.spo2)).toBeUndefined();
    expect(checkThreshold('spo2', 87, t.spo2)?.priority).toBe('high');
  });
});

describe('checkSample', () => {
  it('reports every breach and ignores absent vitals', () => {
    const breaches = checkSample({ hr: 150, spo2: 97, temp: 39.5 }, DEFAULT_THRESHOLDS);
    expect(breaches.map((b) => b.kind).sort()).toEqual(['vital.hr_high', 'vital.temp_high']);
    expect(checkSample({}, DEFAULT_THRESHOLDS)).toEqual([]);
  });
});
