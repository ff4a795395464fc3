import type { AlertKind, CarePlan, Priority, ThresholdOverrides } from '@vigil/contracts';

/** Vitals judged by threshold rules. */
export type ThresholdVital = 'hr' | 'spo2' | 'rr' | 'sbp' | 'temp';

/**
 * Two tiers per direction: crossing `low`/`high` is a medium-priority alert (prompt response), crossing
 * `criticalLow`/`criticalHigh` is high priority (immediate response), IEC 60601-1-8.
 * Defaults follow the NEWS2 chart-1 bands that score 3 for the critical tier and 2 for the first tier
 * (clinical.md), so a threshold alert and the NEWS2 score tell the same story.
 */
export interface VitalLimits {
  low?: number;
  high?: number;
  criticalLow?: number;
  criticalHigh?: number;
}

export type ThresholdSet = Record<ThresholdVital, VitalLimits>;

export const DEFAULT_THRESHOLDS: ThresholdSet = {
  // NEWS2: pulse ≤40 scores 3, 41–50 scores 1; 111–130 scores 2, ≥131 scores 3.
  hr: { low: 45, high: 120, criticalLow: 40, criticalHigh: 131 },
  // NEWS2 scale 1: ≤91 scores 3, 92–93 scores 2.
  spo2: { low: 93, criticalLow: 91 },
  // NEWS2: RR ≤8 scores 3; 21–24 scores 2; ≥25 scores 3.
  rr: { low: 9, high: 24, criticalLow: 8, criticalHigh: 25 },
  // NEWS2: SBP ≤90 scores 3, 91–100 scores 2; ≥220 scores 3.
  sbp: { low: 100, high: 180, criticalLow: 90, criticalHigh: 220 },
  // NEWS2: ≤35.0 scores 3; 38.1–39.0 scores 1, ≥39.1 scores 2.
  temp: { low: 35.5, high: 38.0, criticalLow: 35.0, criticalHigh: 39.1 },
};

const UNITS: Record<ThresholdVital, string> = { hr: 'bpm', spo2: '%', rr: '/min', sbp: 'mmHg', temp: '°C' };
const NAMES: Record<ThresholdVital, string> = {
  hr: 'Heart rate',
  spo2: 'SpO2',
  rr: 'Respiration rate',
  sbp: 'Systolic blood pressure',
  temp: 'Temperature',
};

/**
 * The limits in force for one resident: facility defaults, then the care plan's overrides
 * (contract §4.1 `carePlan`). An override of `low`/`high` replaces the first tier only; the critical
 * tier stays unless the override lies beyond it, in which case the critical tier moves with it.
 */
export function effectiveThresholds(
  carePlan: CarePlan | undefined,
  defaults: ThresholdSet = DEFAULT_THRESHOLDS,
): ThresholdSet {
  const out = structuredClone(defaults);
  const overrides: ThresholdOverrides = carePlan?.thresholds ?? {};
  for (const vital of Object.keys(overrides) as ThresholdVital[]) {
    const o = overrides[vital];
    const l = out[vital];
    if (!o) continue;
    if (o.low !== undefined) {
      l.low = o.low;
      if (l.criticalLow !== undefined && l.criticalLow > o.low) l.criticalLow = o.low;
    }
    if (o.high !== undefined) {
      l.high = o.high;
      if (l.criticalHigh !== undefined && l.criticalHigh < o.high) l.criticalHigh = o.high;
    }
  }
  return out;
}

export interface ThresholdBreach {
  vital: ThresholdVital;
  kind: AlertKind;
  priority: Priority;
  value: number;
  /** The limit crossed. */
  limit: number;
  direction: 'low' | 'high';
  title: string;
  condition: string;
}

/** Judges one value against the limits; `undefined` when in range. */
export function checkThreshold(vital: ThresholdVital, value: number, limits: VitalLimits): ThresholdBreach | undefined {
  const unit = UNITS[vital];
  const name = NAMES[vital];
  const breach = (direction: 'low' | 'high', limit: number, priority: Priority): ThresholdBreach => ({
    vital,
    kind: `vital.${vital}_${direction}` as AlertKind,
    priority,
    value,
    limit,
    direction,
    title: `${name} ${direction === 'high' ? 'high' : 'low'}: ${value} ${unit}`,
    condition: `${name} ${direction === 'high' ? '≥' : '≤'} ${limit} ${unit} (${priority === 'high' ? 'critical' : 'alert'} limit)`,
  });
  // Critical tier first: it decides the priority.
  if (limits.criticalHigh !== undefined && value >= limits.criticalHigh)
    return breach('high', limits.criticalHigh, 'high');
  if (limits.criticalLow !== undefined && value <= limits.criticalLow) return breach('low', limits.criticalLow, 'high');
  if (limits.high !== undefined && value >= limits.high) return breach('high', limits.high, 'medium');
  if (limits.low !== undefined && value <= limits.low) return breach('low', limits.low, 'medium');
  return undefined;
}

/** Every breach in one sample, for the vitals it carries. */
export function checkSample(
  sample: Partial<Record<ThresholdVital, number>>,
  thresholds: ThresholdSet,
): ThresholdBreach[] {
  const out: ThresholdBreach[] = [];
  for (const vital of Object.keys(thresholds) as ThresholdVital[]) {
    const v = sample[vital];
    if (v === undefined) continue;
    const b = checkThreshold(vital, v, thresholds[vital]);
    if (b) out.push(b);
  }
  return out;
}
