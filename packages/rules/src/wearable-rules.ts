import { type CarePlan, type Consciousness, type RuleSettingsBody, toIso, type VitalsSample } from '@vigil/contracts';
import { type ActivityState, inactiveForMs, updateActivity, type WakingHours } from './activity.ts';
import { type ArtefactState, filterArtefact } from './artefacts.ts';
import { type BaselineState, judgeBaseline, updateBaseline } from './baseline.ts';
import { judgeNews2, type LatestReadings, news2FromLatest } from './news2.ts';
import type { Description, Observation, SampleVerdict } from './observations.ts';
import type { PersistenceSpec, TrackPoint } from './persistence.ts';
import {
  describeVital,
  effectiveVitalRules,
  formatDuration,
  observeVital,
  type ThresholdVital,
  type VitalRules,
} from './thresholds.ts';

/** What the rules remember about one resident between samples (besides the persistence tracks). */
export interface ResidentMemory {
  artefacts: Partial<Record<ThresholdVital, ArtefactState>>;
  /** Latest accepted (non-artefact) reading of each parameter, for NEWS2. */
  clean: LatestReadings;
  baseline?: BaselineState;
  activity: ActivityState;
}

export const newResidentMemory = (): ResidentMemory => ({ artefacts: {}, clean: { values: {} }, activity: {} });

export interface WearableContext {
  settings: RuleSettingsBody;
  carePlan: CarePlan;
  deviceId: string;
  /**
   * false turns persistence, hysteresis, artefact filtering and not-worn inhibition off. Only the
   * noise measurement uses it (docs/clinical-rules.md), to show what those controls are worth.
   */
  noiseControls?: boolean;
}

/** Vitals the wearable streams, judged by thresholds and artefact filtering (sbp comes from a cuff). */
const STREAMED: readonly ThresholdVital[] = ['hr', 'spo2', 'rr', 'temp'];
const THRESHOLDED: readonly ThresholdVital[] = ['hr', 'spo2', 'rr', 'sbp', 'temp'];
/** Longest gap between two cuff readings that still counts as one run of readings. */
const SPOT_CHECK_GAP_MS = 2 * 3_600_000;
/** Resting = no steps for this long; exertion raises the pulse and is not a deviation from baseline. */
const RESTING_AFTER_MS = 5 * 60_000;

/**
 * Judges one sample of a resident's wearable, in device-time order: returns the observations for
 * every condition it bears on and the updated memory. Pure.
 */
export function observeWearableSample(
  memory: ResidentMemory,
  sample: VitalsSample & { ts: number },
  ctx: WearableContext,
): { memory: ResidentMemory; verdict: SampleVerdict } {
  const controls = ctx.noiseControls !== false;
  const settings = controls ? ctx.settings : withoutNoiseControls(ctx.settings);
  const rules = effectiveVitalRules(ctx.carePlan, settings.vitals);
  const m: ResidentMemory = {
    ...memory,
    artefacts: { ...memory.artefacts },
    clean: { ...memory.clean, values: { ...memory.clean.values } },
  };
  const { ts } = sample;
  const obs: Observation[] = [];
  const artefacts: string[] = [];
  const gapSpec = (forMs: number, clearForMs: number): PersistenceSpec => ({
    forMs,
    clearForMs,
    maxGapMs: settings.maxGapMs,
  });

  if (sample.battery !== undefined) obs.push(batteryObservation(sample.battery, ts, settings, ctx.deviceId));
  if (sample.worn === false) {
    obs.push(notWornObservation(ts, true, settings, ctx.deviceId));
    // Inhibition (clinical.md): an unworn wearable measures air, not a person. Its vitals are not
    // judged and every vital window is broken, so no alert can persist across the gap.
    if (controls) {
      for (const o of vitalObservationKeys(rules)) obs.push(gapObservation(o.key, o.kind, o.rule, ts, settings));
      return { memory: m, verdict: { observations: obs, artefacts } };
    }
  } else if (sample.worn === true || THRESHOLDED.some((v) => sample[v] !== undefined)) {
    obs.push(notWornObservation(ts, false, settings, ctx.deviceId));
  }

  for (const vital of THRESHOLDED) {
    const value = sample[vital];
    if (value === undefined) continue;
    if (settings.artefacts.enabled && STREAMED.includes(vital)) {
      const maxJump = settings.artefacts.maxJump[vital as keyof RuleSettingsBody['artefacts']['maxJump']];
      const verdict = filterArtefact(m.artefacts[vital] ?? {}, value, ts, maxJump);
      m.artefacts[vital] = verdict.state;
      if (!verdict.accepted) {
        artefacts.push(vital);
        continue;
      }
    }
    const prev = m.clean.values[vital];
    if (!prev || prev.ts <= ts) m.clean.values[vital] = { v: value, ts };
    const rule = rules[vital];
    for (const o of observeVital(vital, value, ts, rule)) {
      obs.push({
        key: o.kind,
        kind: o.kind,
        rule: `vital-threshold.${vital}_${o.direction}`,
        // A cuff blood pressure is a spot check every few minutes to hours: its run must span the
        // time between readings, or a confirmation window could never be met.
        spec:
          vital === 'sbp'
            ? {
                forMs: rule.forMs,
                clearForMs: rule.clearForMs,
                maxGapMs: Math.max(settings.maxGapMs, SPOT_CHECK_GAP_MS),
              }
            : gapSpec(rule.forMs, rule.clearForMs),
        point: o.point,
        priority: { 1: 'medium', 2: 'high' },
        describe: (tier) => {
          const d = describeVital(vital, o.direction, tier, value, rule);
          return {
            title: d.title,
            condition: d.condition,
            inputs: { [vital]: value, ts: toIso(ts), deviceId: ctx.deviceId, limits: limitsOf(rule) },
            ...(rule.forMs > 0 && { window: `${formatDuration(rule.forMs)} of device time` }),
          };
        },
      });
    }
  }
  if (sample.consciousness !== undefined) m.clean.consciousness = { v: sample.consciousness as Consciousness, ts };
  if (sample.onOxygen !== undefined) m.clean.onOxygen = { v: sample.onOxygen, ts };

  const news2 = news2FromLatest(m.clean, ctx.carePlan, ts);
  const judged = judgeNews2(news2);
  obs.push({
    key: 'news2',
    kind: 'news2',
    rule: 'news2',
    spec: gapSpec(settings.news2.forMs, settings.news2.clearForMs),
    point: { ts, tier: judged?.priority === 'high' ? 2 : judged ? 1 : 0, clear: judged === undefined },
    priority: { 1: 'medium', 2: 'high' },
    describe: () => ({
      title: judged?.title ?? `NEWS2 ${news2.score}`,
      condition: judged?.condition ?? `NEWS2 ${news2.score}`,
      inputs: { news2, deviceId: ctx.deviceId },
      ...(settings.news2.forMs > 0 && { window: `band held ${formatDuration(settings.news2.forMs)}` }),
    }),
  });

  if (sample.steps !== undefined) {
    const { state, moved } = updateActivity(m.activity, sample.steps, ts);
    m.activity = state;
    const inactivity = { ...settings.inactivity, ...ctx.carePlan.inactivity };
    if (inactivity.enabled) obs.push(inactivityObservation(m.activity, moved, ts, inactivity, settings));
  }

  const hr = m.clean.values.hr;
  const baselineOn = settings.baseline.enabled && ctx.carePlan.baseline?.enabled !== false;
  if (baselineOn && hr && hr.ts === ts && !artefacts.includes('hr') && resting(m.activity, ts)) {
    const b = settings.baseline;
    const judged = judgeBaseline(m.baseline, b);
    if (judged?.ready) {
      const point: TrackPoint = { ts, tier: hr.v > judged.limit ? 1 : 0, clear: hr.v < judged.limit - 5 };
      obs.push({
        key: 'vital.hr_baseline',
        kind: 'vital.hr_baseline',
        rule: 'baseline.resting_hr',
        spec: gapSpec(b.forMs, b.forMs),
        point,
        priority: { 1: 'low', 2: 'low' },
        describe: () => ({
          title: `Resting heart rate ${hr.v} bpm, usually ${Math.round(judged.mean)}`,
          condition: `resting heart rate above the resident's own baseline ${judged.mean.toFixed(0)} ± ${judged.sd.toFixed(1)} bpm by more than max(${b.minDeltaBpm} bpm, ${b.sdFactor} sd) = ${judged.limit.toFixed(0)} bpm for ${formatDuration(b.forMs)}`,
          inputs: {
            hr: hr.v,
            baselineMean: round1(judged.mean),
            baselineSd: round1(judged.sd),
            limit: round1(judged.limit),
            ts: toIso(ts),
            deviceId: ctx.deviceId,
          },
          window: `baseline half-life ${formatDuration(b.halfLifeMs)}`,
        }),
      });
    }
    // A deviation is not learned as the new normal: only values under the limit update the baseline.
    if (!judged?.ready || hr.v <= judged.limit) m.baseline = updateBaseline(m.baseline, hr.v, ts, b.halfLifeMs);
  }
  return { memory: m, verdict: { observations: obs, news2, artefacts } };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function limitsOf(rule: VitalRules[ThresholdVital]) {
  const { low, high, criticalLow, criticalHigh, clearMargin } = rule;
  return { low, high, criticalLow, criticalHigh, clearMargin };
}

function resting(a: { lastMoveTs?: number | undefined; since?: number | undefined }, ts: number): boolean {
  return a.since !== undefined && ts - (a.lastMoveTs ?? a.since) >= RESTING_AFTER_MS;
}

/** The keys of every vital track, so a not-worn sample can break all of them. */
function vitalObservationKeys(rules: VitalRules) {
  const out: { key: string; kind: Observation['kind']; rule: string }[] = [];
  for (const vital of THRESHOLDED) {
    for (const o of observeVital(vital, 0, 0, rules[vital]))
      out.push({ key: o.kind, kind: o.kind, rule: `vital-threshold.${vital}_${o.direction}` });
  }
  out.push(
    { key: 'news2', kind: 'news2', rule: 'news2' },
    { key: 'vital.hr_baseline', kind: 'vital.hr_baseline', rule: 'baseline.resting_hr' },
  );
  return out;
}

function gapObservation(
  key: string,
  kind: Observation['kind'],
  rule: string,
  ts: number,
  s: RuleSettingsBody,
): Observation {
  return {
    key,
    kind,
    rule,
    spec: { forMs: 0, clearForMs: 0, maxGapMs: s.maxGapMs },
    point: { ts, tier: 0, clear: false, gap: true },
    priority: { 1: 'medium', 2: 'high' },
    describe: () => ({ title: '', condition: '', inputs: {} }),
  };
}

function notWornObservation(ts: number, off: boolean, s: RuleSettingsBody, deviceId: string): Observation {
  return {
    key: 'device.not_worn',
    kind: 'device.not_worn',
    rule: 'device-technical.not_worn',
    spec: { forMs: s.notWorn.forMs, clearForMs: 0, maxGapMs: Math.max(s.maxGapMs, s.notWorn.forMs) },
    point: { ts, tier: off ? 1 : 0, clear: !off },
    // Technical alarm: awareness; it never hides a physiological one (clinical.md).
    priority: { 1: 'low', 2: 'low' },
    describe: () => ({
      title: 'Wearable not worn',
      condition: `the wearable reports it is off the wrist (worn = false)${s.notWorn.forMs > 0 ? ` for ${formatDuration(s.notWorn.forMs)}` : ''}; its vital alerts are suspended`,
      inputs: { worn: false, ts: toIso(ts), deviceId },
    }),
  };
}

export function batteryObservation(battery: number, ts: number, s: RuleSettingsBody, deviceId: string): Observation {
  const b = s.battery;
  return {
    key: 'device.low_battery',
    kind: 'device.low_battery',
    rule: 'device-technical.battery',
    spec: { forMs: 0, clearForMs: 0, maxGapMs: Number.MAX_SAFE_INTEGER },
    point: { ts, tier: battery <= b.criticalPct ? 2 : battery <= b.lowPct ? 1 : 0, clear: battery >= b.clearPct },
    priority: { 1: 'low', 2: 'medium' },
    describe: (tier) => ({
      title: `Wearable battery ${battery} %`,
      condition: `battery ≤ ${tier === 2 ? b.criticalPct : b.lowPct} %; clears when charged to ≥ ${b.clearPct} %`,
      inputs: { battery, ts: toIso(ts), deviceId },
    }),
  };
}

function inactivityObservation(
  a: ActivityState,
  moved: boolean,
  ts: number,
  h: WakingHours & { afterMs: number },
  s: RuleSettingsBody,
): Observation {
  const inactive = inactiveForMs(a, ts, h);
  return {
    key: 'resident.inactivity',
    kind: 'resident.inactivity',
    rule: 'activity.inactivity',
    spec: { forMs: 0, clearForMs: 0, maxGapMs: Math.max(s.maxGapMs, 30 * 60_000) },
    point: { ts, tier: inactive >= h.afterMs ? 1 : 0, clear: moved },
    priority: { 1: 'medium', 2: 'medium' },
    describe: () => ({
      title: `No movement for ${formatDuration(Math.floor(inactive / 60_000) * 60_000)}`,
      condition: `no steps for ${formatDuration(h.afterMs)} during waking hours ${h.wakeFrom}–${h.wakeTo} (${h.timeZone})`,
      inputs: {
        lastMoveAt: a.lastMoveTs !== undefined ? toIso(a.lastMoveTs) : null,
        steps: a.lastSteps,
        ts: toIso(ts),
      },
    }),
  };
}

/** The same rules with every noise control off: raise and clear on a single sample at the limit. */
export function withoutNoiseControls(s: RuleSettingsBody): RuleSettingsBody {
  const vitals = structuredClone(s.vitals);
  for (const v of THRESHOLDED) Object.assign(vitals[v], { forMs: 0, clearForMs: 0, clearMargin: 0 });
  return {
    ...s,
    vitals,
    news2: { forMs: 0, clearForMs: 0 },
    artefacts: { ...s.artefacts, enabled: false },
    notWorn: { forMs: 0 },
    baseline: { ...s.baseline, forMs: 0 },
  };
}

export type { Description };
