import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { effectiveCriticalLimits } from './critical-limits.ts';
import { effectiveVitalRules } from './thresholds.ts';

const limits = (carePlan: Parameters<typeof effectiveVitalRules>[0]) =>
  effectiveCriticalLimits(
    DEFAULT_RULE_SETTINGS.criticalLimits,
    carePlan,
    effectiveVitalRules(carePlan, DEFAULT_RULE_SETTINGS.vitals),
  );

describe('effectiveCriticalLimits (clinical.md "Critical limits")', () => {
  it('defaults to clinical.md: HR ≤ 40 / ≥ 140, SpO2 ≤ 85, RR ≤ 8 / ≥ 30, SBP ≤ 80 / ≥ 220, temp ≤ 35.0 / ≥ 40.0', () => {
    expect(limits({})).toEqual({
      hr: { low: 40, high: 140 },
      spo2: { low: 85 },
      rr: { low: 8, high: 30 },
      sbp: { low: 80, high: 220 },
      temp: { low: 35, high: 40 },
    });
  });

  it('lowers the SpO2 limit for a resident on scale 2, and takes a care plan’s own limits', () => {
    expect(limits({ spo2Scale: 2 }).spo2).toEqual({ low: 80 });
    expect(limits({ spo2Scale: 2, criticalLimits: { spo2: { low: 78 } } }).spo2).toEqual({ low: 78 });
    expect(limits({ criticalLimits: { hr: { high: 150 } } }).hr).toEqual({ low: 40, high: 150 });
  });

  it('moves with tier limits a care plan put beyond it (a resting pulse of 38 under beta blockers)', () => {
    expect(limits({ thresholds: { hr: { low: 36 } } }).hr).toEqual({ low: 36, high: 140 });
    expect(limits({ thresholds: { hr: { high: 150 } } }).hr).toEqual({ low: 40, high: 150 });
  });
});
