import {
  type CriticalLimit,
  type News2,
  type RuleSettingsBody,
  THRESHOLD_VITALS,
  toIso,
  VITALS,
  type VitalSampling,
} from '@vigil/contracts';
import type { BaselineJudgement } from './baseline.ts';
import { judgeNews2, partialNote } from './news2.ts';
import type { Observation } from './observations.ts';
import type { PersistenceSpec, Tier } from './persistence.ts';
import { describeVital, formatDuration, observeVital, type ThresholdVital, type VitalRules } from './thresholds.ts';

/** Priorities per tier shared by every observation that uses them (never changed). */
const MEDIUM_HIGH: Observation['priority'] = Object.freeze({ 1: 'medium', 2: 'high' });

/** The persistence spec of a vital condition: its window, the vital's freshness, the fast path. */
export function vitalSpec(
  s: RuleSettingsBody,
  forMs: number,
  clearForMs: number,
  sampling: VitalSampling,
): PersistenceSpec {
  return {
    forMs,
    clearForMs,
    freshMs: sampling.freshMs,
    fraction: s.persistence.fraction,
    confirmMs: s.criticalLimits.confirmMs,
    readings: sampling.mode,
  };
}

/** Each vital's rule ids, made once (see `VITAL_KINDS` in thresholds.ts). */
const RULE_IDS = Object.fromEntries(
  THRESHOLD_VITALS.map((v) => [v, { high: `vital-threshold.${v}_high`, low: `vital-threshold.${v}_low` }]),
) as Record<ThresholdVital, Record<'high' | 'low', string>>;

/**
 * A vital's persistence spec per (rule, sampling): both come from one version of the settings (rules
 * are worked out once per settings and care plan, sampling is the settings' own object), and settings
 * are replaced, never changed in place, so the spec can be made once instead of once per sample.
 */
const specCache = new WeakMap<object, WeakMap<VitalSampling, PersistenceSpec>>();

function cachedVitalSpec(s: RuleSettingsBody, rule: VitalRules[ThresholdVital], sampling: VitalSampling) {
  let bySampling = specCache.get(rule);
  if (!bySampling) {
    bySampling = new WeakMap();
    specCache.set(rule, bySampling);
  }
  let spec = bySampling.get(sampling);
  if (!spec) {
    spec = vitalSpec(s, rule.forMs, rule.clearForMs, sampling);
    bySampling.set(sampling, spec);
  }
  return spec;
}

/**
 * One reading of one vital against its limits, both directions (clinical.md thresholds, critical
 * limits), appended to `out`. An in-range reading of a direction `ctx.tracked` says is not tracked is
 * left out (see `WearableContext.tracked`).
 */
export function thresholdObservations(
  vital: ThresholdVital,
  value: number,
  ts: number,
  spot: boolean,
  ctx: {
    settings: RuleSettingsBody;
    rule: VitalRules[ThresholdVital];
    critical: CriticalLimit;
    sampling: VitalSampling;
    deviceId: string;
    tracked?: ((key: string) => boolean) | undefined;
  },
  out: Observation[] = [],
): Observation[] {
  const { rule, critical, tracked } = ctx;
  // Both directions share one spec; `describe` is a method, not a closure made per observation.
  const spec = cachedVitalSpec(ctx.settings, rule, ctx.sampling);
  for (const o of observeVital(vital, value, ts, rule, critical)) {
    if (o.point.tier === 0 && tracked && !tracked(o.kind)) continue;
    out.push(thresholdObservation(vital, value, ts, spot, ctx, spec, o));
  }
  return out;
}

function thresholdObservation(
  vital: ThresholdVital,
  value: number,
  ts: number,
  spot: boolean,
  ctx: Parameters<typeof thresholdObservations>[4],
  spec: PersistenceSpec,
  o: ReturnType<typeof observeVital>[number],
): Observation {
  const { rule, critical } = ctx;
  return {
    key: o.kind,
    kind: o.kind,
    rule: RULE_IDS[vital][o.direction],
    spec,
    point: spot ? { ...o.point, spot } : o.point,
    priority: MEDIUM_HIGH,
    describe(tier) {
      const d = describeVital(vital, o.direction, tier, value, rule, critical);
      const { low, high, criticalLow, criticalHigh, clearMargin } = rule;
      return {
        title: d.title,
        condition: d.condition,
        inputs: {
          [vital]: value,
          ts: toIso(ts),
          deviceId: ctx.deviceId,
          limits: { low, high, criticalLow, criticalHigh, clearMargin, critical },
        },
        ...(tier < 3 && rule.forMs > 0 && ctx.sampling.mode === 'stream'
          ? { window: `${formatDuration(rule.forMs)} of device time` }
          : {}),
      };
    },
  };
}

/**
 * The `news2` condition (clinical.md chart 4): 5–6 or a single red score → tier 1 (medium); 7 or
 * more → tier 2 (high); the critical aggregate (default 7) → tier 3, the fast path.
 */
export function news2Observation(
  news2: News2,
  ts: number,
  sampling: { spot: boolean; freshMs: number; mode: VitalSampling['mode'] },
  s: RuleSettingsBody,
  deviceId: string,
): Observation {
  const judged = judgeNews2(news2);
  const tier: Tier =
    news2.score >= s.criticalLimits.news2 ? 3 : judged?.priority === 'high' ? 2 : judged !== undefined ? 1 : 0;
  return {
    key: 'news2',
    kind: 'news2',
    rule: 'news2',
    spec: vitalSpec(s, s.news2.forMs, s.news2.clearForMs, sampling),
    point: { ts, tier, clear: judged === undefined, ...(sampling.spot && { spot: true }) },
    priority: MEDIUM_HIGH,
    describe(raised) {
      return {
        title: judged?.title ?? `NEWS2 ${news2.score}`,
        condition:
          raised === 3
            ? `NEWS2 aggregate ${news2.score} ≥ ${s.criticalLimits.news2} (critical limit): emergency assessment${partialNote(news2)}`
            : (judged?.condition ?? `NEWS2 ${news2.score}`),
        inputs: { news2, deviceId },
        ...(raised < 3 && s.news2.forMs > 0 && { window: `band held ${formatDuration(s.news2.forMs)}` }),
      };
    },
  };
}

/** `vital.hr_baseline`: resting pulse above the resident's own learned baseline (docs/clinical-rules.md). */
export function baselineObservation(
  hr: number,
  ts: number,
  judged: BaselineJudgement,
  s: RuleSettingsBody,
  sampling: VitalSampling,
  deviceId: string,
): Observation {
  const b = s.baseline;
  const bpm = VITALS.hr.unit;
  return {
    key: 'vital.hr_baseline',
    kind: 'vital.hr_baseline',
    rule: 'baseline.resting_hr',
    spec: { ...vitalSpec(s, b.forMs, b.forMs, sampling), confirmMs: 0, readings: 'stream' },
    point: { ts, tier: hr > judged.limit ? 1 : 0, clear: hr < judged.limit - 5 },
    priority: { 1: 'low', 2: 'low' },
    describe() {
      return {
        title: `Resting heart rate ${hr} ${bpm}, usually ${Math.round(judged.mean)}`,
        condition: `resting heart rate above the resident's own baseline ${judged.mean.toFixed(0)} ± ${judged.sd.toFixed(1)} ${bpm} by more than max(${b.minDeltaBpm} ${bpm}, ${b.sdFactor} sd) = ${judged.limit.toFixed(0)} ${bpm} for ${formatDuration(b.forMs)}`,
        inputs: {
          hr,
          baselineMean: round1(judged.mean),
          baselineSd: round1(judged.sd),
          limit: round1(judged.limit),
          ts: toIso(ts),
          deviceId,
        },
        window: `baseline half-life ${formatDuration(b.halfLifeMs)}`,
      };
    },
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
