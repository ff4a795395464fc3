import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { describeVital, effectiveVitalRules, observeVital } from './thresholds.ts';

const rules = DEFAULT_RULE_SETTINGS.vitals;
const high = (vital: 'hr' | 'temp', v: number) =>
  observeVital(vital, v, 0, rules[vital]).find((o) => o.direction === 'high')?.point;
const low = (vital: 'hr' | 'spo2' | 'temp', v: number) =>
  observeVital(vital, v, 0, rules[vital]).find((o) => o.direction === 'low')?.point;

describe('observeVital', () => {
  it.each([
    [114, 0, true],
    [115, 0, false], // hysteresis band: 120 − 5 < value < 120
    [119, 0, false],
    [120, 1, false],
    [130, 1, false],
    [131, 2, false],
  ])('heart rate %d → tier %d, clear %s (high side)', (value, tier, clear) => {
    expect(high('hr', value)).toMatchObject({ tier, clear });
  });

  it.each([
    [51, 0, true],
    [50, 0, false],
    [46, 0, false],
    [45, 1, false],
    [41, 1, false],
    [40, 2, false],
  ])('heart rate %d → tier %d, clear %s (low side)', (value, tier, clear) => {
    expect(low('hr', value)).toMatchObject({ tier, clear });
  });

  it('judges SpO2 only low, and temperature both ways', () => {
    expect(observeVital('spo2', 88, 0, rules.spo2).map((o) => o.kind)).toEqual(['vital.spo2_low']);
    expect(low('spo2', 91)?.tier).toBe(2);
    expect(low('spo2', 93)?.tier).toBe(1);
    expect(low('spo2', 95)).toMatchObject({ tier: 0, clear: false });
    expect(low('spo2', 96)).toMatchObject({ tier: 0, clear: true });
    expect(high('temp', 39.1)?.tier).toBe(2);
    expect(low('temp', 35.0)?.tier).toBe(2);
    expect(high('temp', 36.8)).toMatchObject({ tier: 0, clear: true });
  });

  it('describes the limit, the window and the clear condition', () => {
    expect(describeVital('spo2', 'low', 2, 88, rules.spo2).condition).toBe(
      'SpO2 ≤ 91 % (high-priority limit); clears after > 95 % for 2 min',
    );
    expect(describeVital('hr', 'high', 1, 125, rules.hr).title).toBe('Heart rate high: 125 bpm');
  });
});

describe('effectiveVitalRules', () => {
  it('applies care-plan overrides to the first tier only', () => {
    const t = effectiveVitalRules({ thresholds: { hr: { high: 110 } } }, rules);
    expect(t.hr).toMatchObject({ low: 45, high: 110, criticalLow: 40, criticalHigh: 131 });
    expect(rules.hr.high).toBe(120);
  });

  it('moves the critical tier when an override lies beyond it', () => {
    // An athlete with a resting pulse of 38: low limit 35 drags the critical tier along.
    const t = effectiveVitalRules({ thresholds: { hr: { low: 35 } } }, rules);
    expect(t.hr).toMatchObject({ low: 35, criticalLow: 35 });
    expect(observeVital('hr', 38, 0, t.hr).every((o) => o.point.tier === 0)).toBe(true);
  });

  it('lets a COPD resident live at a lower SpO2, with explicit critical limits too', () => {
    const t = effectiveVitalRules({ thresholds: { spo2: { low: 87, criticalLow: 84 } }, spo2Scale: 2 }, rules);
    expect(observeVital('spo2', 89, 0, t.spo2)[0]?.point.tier).toBe(0);
    expect(observeVital('spo2', 86, 0, t.spo2)[0]?.point.tier).toBe(1);
    expect(observeVital('spo2', 84, 0, t.spo2)[0]?.point.tier).toBe(2);
  });
});
