import {
  type CarePlan,
  type CriticalLimit,
  type RuleSettingsBody,
  THRESHOLD_VITALS,
  type ThresholdVital,
} from '@vigil/contracts';
import type { VitalRules } from './thresholds.ts';

export type EffectiveCriticalLimits = Record<ThresholdVital, CriticalLimit>;

/**
 * The critical limits in force for one resident (clinical.md "Critical limits"): the facility's,
 * the scale-2 SpO2 limit for a resident on NEWS2 scale 2, then the care plan's own. A critical
 * limit never lies inside the resident's tier limits: where a care plan moved those beyond it (a
 * resting pulse of 38 under beta blockers), the critical limit moves with them.
 */
export function effectiveCriticalLimits(
  settings: RuleSettingsBody['criticalLimits'],
  carePlan: CarePlan | undefined,
  tiers: VitalRules,
): EffectiveCriticalLimits {
  const out = {} as EffectiveCriticalLimits;
  for (const v of THRESHOLD_VITALS) {
    const c: CriticalLimit = { ...settings[v] };
    if (v === 'spo2' && carePlan?.spo2Scale === 2) c.low = settings.spo2Scale2Low;
    Object.assign(c, carePlan?.criticalLimits?.[v]);
    const r = tiers[v];
    const lowest = r.criticalLow ?? r.low;
    const highest = r.criticalHigh ?? r.high;
    if (c.low !== undefined && lowest !== undefined && c.low > lowest) c.low = lowest;
    if (c.high !== undefined && highest !== undefined && c.high < highest) c.high = highest;
    out[v] = c;
  }
  return out;
}
