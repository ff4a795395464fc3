import {
  type AlertKind,
  type CarePlan,
  type CriticalLimit,
  DEFAULT_RULE_SETTINGS,
  THRESHOLD_VITALS,
  type ThresholdVital,
  VITALS,
  type VitalKey,
  type VitalRule,
} from '@vigil/contracts';
import type { Tier, TrackPoint } from './persistence.ts';

export type { ThresholdVital, VitalRule };
export type VitalRules = Record<ThresholdVital, VitalRule>;
export type Direction = 'high' | 'low';

export const DEFAULT_VITAL_RULES: VitalRules = DEFAULT_RULE_SETTINGS.vitals;

/**
 * The rules in force for one resident: facility settings, then the care plan's overrides
 * (contract §4.1 `carePlan`). An override of `low`/`high` replaces the first tier; the critical tier
 * stays unless the override lies beyond it, in which case it moves with it (an athlete's resting pulse
 * of 38 must not stay critical because the first tier moved below it).
 */
export function effectiveVitalRules(
  carePlan: CarePlan | undefined,
  facility: VitalRules = DEFAULT_VITAL_RULES,
): VitalRules {
  const overrides = carePlan?.thresholds;
  if (!overrides) return facility;
  const out = { ...facility };
  for (const vital of THRESHOLD_VITALS) {
    const o = overrides[vital];
    if (!o) continue;
    const r = { ...out[vital] };
    out[vital] = r;
    if (o.criticalLow !== undefined) r.criticalLow = o.criticalLow;
    if (o.criticalHigh !== undefined) r.criticalHigh = o.criticalHigh;
    if (o.low !== undefined) {
      r.low = o.low;
      if (r.criticalLow !== undefined && r.criticalLow > o.low) r.criticalLow = o.low;
    }
    if (o.high !== undefined) {
      r.high = o.high;
      if (r.criticalHigh !== undefined && r.criticalHigh < o.high) r.criticalHigh = o.high;
    }
  }
  return out;
}

export interface VitalObservation {
  vital: ThresholdVital;
  direction: Direction;
  kind: AlertKind;
  point: TrackPoint;
}

/**
 * One value against one direction's limits: its tier (3 past the critical limit of the fast path,
 * 2 past the high-tier limit, 1 past the alert limit) and whether it is back beyond the clear
 * threshold, `clearMargin` inside the alert limit (hysteresis). Directions without limits are skipped.
 */
/**
 * Each vital's alert kinds, made once: observations are made for every sample and their kinds key
 * the resident's tracks, so a string built per sample would be built and hashed again every time.
 */
const VITAL_KINDS = Object.fromEntries(
  THRESHOLD_VITALS.map((v) => [v, { high: `vital.${v}_high` as AlertKind, low: `vital.${v}_low` as AlertKind }]),
) as Record<ThresholdVital, { high: AlertKind; low: AlertKind }>;

export function observeVital(
  vital: ThresholdVital,
  value: number,
  ts: number,
  rule: VitalRule,
  critical: CriticalLimit = {},
): VitalObservation[] {
  const out: VitalObservation[] = [];
  const first = { high: rule.high ?? rule.criticalHigh, low: rule.low ?? rule.criticalLow };
  if (first.high !== undefined) {
    const tier: Tier =
      critical.high !== undefined && value >= critical.high
        ? 3
        : rule.criticalHigh !== undefined && value >= rule.criticalHigh
          ? 2
          : value >= first.high
            ? 1
            : 0;
    out.push({
      vital,
      direction: 'high',
      kind: VITAL_KINDS[vital].high,
      point: { ts, tier, clear: value < first.high - rule.clearMargin },
    });
  }
  if (first.low !== undefined) {
    const tier: Tier =
      critical.low !== undefined && value <= critical.low
        ? 3
        : rule.criticalLow !== undefined && value <= rule.criticalLow
          ? 2
          : value <= first.low
            ? 1
            : 0;
    out.push({
      vital,
      direction: 'low',
      kind: VITAL_KINDS[vital].low,
      point: { ts, tier, clear: value > first.low + rule.clearMargin },
    });
  }
  return out;
}

/** Title and condition of a vital alert at a tier, in a nurse's words. */
export function describeVital(
  vital: ThresholdVital,
  direction: Direction,
  tier: 1 | 2 | 3,
  value: number,
  rule: VitalRule,
  critical: CriticalLimit = {},
) {
  const { name, unit } = VITALS[vital];
  const limit =
    tier === 3
      ? critical[direction]
      : direction === 'high'
        ? tier === 2
          ? rule.criticalHigh
          : (rule.high ?? rule.criticalHigh)
        : tier === 2
          ? rule.criticalLow
          : (rule.low ?? rule.criticalLow);
  const sign = direction === 'high' ? '≥' : '≤';
  const clearAt =
    direction === 'high'
      ? `< ${(rule.high ?? rule.criticalHigh ?? 0) - rule.clearMargin}`
      : `> ${(rule.low ?? rule.criticalLow ?? 0) + rule.clearMargin}`;
  const clears = `clears after ${clearAt} ${unit}${rule.clearForMs > 0 ? ` for ${formatDuration(rule.clearForMs)}` : ''}`;
  const label = tier === 3 ? 'critical limit' : tier === 2 ? 'high-priority limit' : 'alert limit';
  return {
    title: `${name} ${direction}: ${value} ${unit}`,
    condition: `${name} ${sign} ${limit} ${unit} (${label}); ${clears}`,
    limit,
  };
}

export const vitalName = (v: VitalKey) => VITALS[v].name;
export const vitalUnit = (v: VitalKey) => VITALS[v].unit;

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
