import {
  type CarePlan,
  type Consciousness,
  type DeviceProfile,
  type RuleSettingsBody,
  THRESHOLD_VITALS,
  type VitalsSample,
} from '@vigil/contracts';
import { type ActivityState, updateActivity } from './activity.ts';
import { type ArtefactState, filterArtefact } from './artefacts.ts';
import { type BaselineState, judgeBaseline, updateBaseline } from './baseline.ts';
import { type EffectiveCriticalLimits, effectiveCriticalLimits } from './critical-limits.ts';
import { type LatestReadings, NEWS2_FRESHNESS_MS, news2FromLatest } from './news2.ts';
import type { Description, Observation, SampleVerdict } from './observations.ts';
import { type RiskTrack, trackRisk } from './risk-damping.ts';
import { isSpotReading, samplingOf } from './sampling.ts';
import {
  batteryObservation,
  gapObservation,
  inactivityObservation,
  notWornObservation,
  wearConflictObservation,
} from './technical-observations.ts';
import { effectiveVitalRules, observeVital, type ThresholdVital, type VitalRules } from './thresholds.ts';
import { baselineObservation, news2Observation, thresholdObservations } from './vital-observations.ts';
import { judgeUnworn, type WearEvidence } from './wear-state.ts';

/** What the rules remember about one resident between samples (besides the persistence tracks). */
export interface ResidentMemory {
  artefacts: Partial<Record<ThresholdVital, ArtefactState>>;
  /** Latest accepted (non-artefact) reading of each parameter, for NEWS2. */
  clean: LatestReadings;
  /** Device time of the latest reading of each vital: after a longer gap the next is a spot reading. */
  seen?: Partial<Record<ThresholdVital, number>>;
  /** The current run of `worn: false` readings that look like a living person's. */
  wear?: WearEvidence;
  baseline?: BaselineState;
  activity: ActivityState;
  /** The risk level last announced to the medical team, and a fall in progress (contract §4.4). */
  risk?: RiskTrack;
}

export const newResidentMemory = (): ResidentMemory => ({ artefacts: {}, clean: { values: {} }, activity: {} });

export interface WearableContext {
  settings: RuleSettingsBody;
  carePlan: CarePlan;
  deviceId: string;
  /** How the device measures (contract extension); absent means `wristband`. */
  profile?: DeviceProfile | undefined;
  /**
   * false turns persistence, hysteresis, artefact filtering and not-worn inhibition off. Only the
   * noise measurement uses it (docs/clinical-rules.md), to show what those controls are worth.
   */
  noiseControls?: boolean;
  /**
   * Whether the caller keeps a track for an observation key. An in-range reading of a condition
   * nobody tracks changes nothing (the condition tracker forgets quiet conditions and skips such
   * observations), so threshold observations for it are not made at all: for a resident in good
   * health that is ten of a sample's twelve, every second. Absent: every observation is made.
   */
  tracked?: (key: string) => boolean;
}

/** What a resident's rules are, from the facility's settings and the resident's care plan. */
interface Limits {
  rules: VitalRules;
  critical: EffectiveCriticalLimits;
  inactivity: RuleSettingsBody['inactivity'] & CarePlan['inactivity'];
}

/**
 * The rules, critical limits and inactivity settings in force for a resident, worked out once per
 * (settings, care plan) rather than for every sample: both are replaced, never changed in place,
 * when someone edits them.
 */
const limitsCache = new WeakMap<RuleSettingsBody, WeakMap<CarePlan, Limits>>();

function limitsFor(settings: RuleSettingsBody, carePlan: CarePlan): Limits {
  let byPlan = limitsCache.get(settings);
  if (!byPlan) {
    byPlan = new WeakMap();
    limitsCache.set(settings, byPlan);
  }
  let limits = byPlan.get(carePlan);
  if (!limits) {
    const rules = effectiveVitalRules(carePlan, settings.vitals);
    limits = {
      rules,
      critical: effectiveCriticalLimits(settings.criticalLimits, carePlan, rules),
      inactivity: { ...settings.inactivity, ...carePlan.inactivity },
    };
    byPlan.set(carePlan, limits);
  }
  return limits;
}

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
  const profile = ctx.profile ?? 'wristband';
  const { rules, critical } = limitsFor(settings, ctx.carePlan);
  const m: ResidentMemory = {
    ...memory,
    artefacts: { ...memory.artefacts },
    clean: { ...memory.clean, values: { ...memory.clean.values } },
    seen: { ...memory.seen },
  };
  const { ts } = sample;
  const obs: Observation[] = [];
  const artefacts: string[] = [];

  if (sample.battery !== undefined) obs.push(batteryObservation(sample.battery, ts, settings, ctx.deviceId));
  // Only a wristband is worn; a cuff or a thermometer says nothing about the wristband's wear state.
  if (profile === 'wristband') {
    const inhibited = judgeWear(m, sample, settings, ctx.deviceId, obs);
    if (inhibited && controls) {
      // The stream went on, only its readings were of air: its next reading is not a spot reading.
      markSeen(m, sample);
      // Inhibition (clinical.md): an unworn wearable reading air, not a person. Its vitals are not
      // judged and every vital window is broken, so no alert can persist across the gap.
      for (const o of vitalObservationKeys(rules)) obs.push(gapObservation(o.key, o.kind, o.rule, ts));
      return { memory: m, verdict: { observations: obs, artefacts } };
    }
  }

  const spots: boolean[] = [];
  let freshMs = 0;
  for (const vital of THRESHOLD_VITALS) {
    const value = sample[vital];
    if (value === undefined) continue;
    const sampling = samplingOf(settings, profile, vital);
    const seen = m.seen as NonNullable<ResidentMemory['seen']>;
    const spot = isSpotReading(sampling, seen[vital], ts, settings.persistence.streamGapMs);
    seen[vital] = Math.max(seen[vital] ?? ts, ts);
    if (settings.artefacts.enabled && sampling.mode === 'stream' && vital !== 'sbp') {
      const maxJump = settings.artefacts.maxJump[vital];
      const verdict = filterArtefact(m.artefacts[vital] ?? {}, value, ts, maxJump);
      m.artefacts[vital] = verdict.state;
      if (!verdict.accepted) {
        artefacts.push(vital);
        continue;
      }
    }
    spots.push(spot);
    freshMs = Math.max(freshMs, sampling.freshMs);
    const prev = m.clean.values[vital];
    if (!prev || prev.ts <= ts) m.clean.values[vital] = { v: value, ts, freshMs: sampling.freshMs };
    const context = {
      settings,
      rule: rules[vital],
      critical: critical[vital],
      sampling,
      deviceId: ctx.deviceId,
      tracked: ctx.tracked,
    };
    thresholdObservations(vital, value, ts, spot, context, obs);
  }
  if (sample.consciousness !== undefined) m.clean.consciousness = { v: sample.consciousness as Consciousness, ts };
  if (sample.onOxygen !== undefined) m.clean.onOxygen = { v: sample.onOxygen, ts };

  const news2 = news2FromLatest(m.clean, ctx.carePlan, ts, { oxygenHoldMs: settings.oxygen.deviceHoldMs });
  if (spots.length > 0 || sample.consciousness !== undefined) {
    // A spot sample (a cuff, a carer's observation, a sparse wristband) can move the aggregate past
    // the critical limit by itself: judged as a spot reading.
    const spot = spots.every(Boolean);
    const sampling = { spot, freshMs: freshMs || NEWS2_FRESHNESS_MS.hr, mode: spot ? 'spot' : 'stream' } as const;
    obs.push(news2Observation(news2, ts, sampling, settings, ctx.deviceId));
  }
  // A fall in risk must hold as long as a NEWS2 alert's clear does (same hysteresis, same setting).
  const risk = trackRisk(m.risk, news2, ts, settings.news2.clearForMs);
  m.risk = risk.track;

  if (sample.steps !== undefined) {
    const { state, moved } = updateActivity(m.activity, sample.steps, ts);
    m.activity = state;
    const { inactivity } = limitsFor(settings, ctx.carePlan);
    if (inactivity.enabled) obs.push(inactivityObservation(m.activity, moved, ts, inactivity, settings));
  }

  const hr = m.clean.values.hr;
  const baselineOn = settings.baseline.enabled && ctx.carePlan.baseline?.enabled !== false;
  if (
    baselineOn &&
    hr &&
    hr.ts === ts &&
    sample.hr !== undefined &&
    !artefacts.includes('hr') &&
    resting(m.activity, ts)
  ) {
    const b = settings.baseline;
    const judged = judgeBaseline(m.baseline, b);
    if (judged?.ready)
      obs.push(baselineObservation(hr.v, ts, judged, settings, samplingOf(settings, profile, 'hr'), ctx.deviceId));
    // A deviation is not learned as the new normal: only values under the limit update the baseline.
    if (!judged?.ready || hr.v <= judged.limit) m.baseline = updateBaseline(m.baseline, hr.v, ts, b.halfLifeMs);
  }
  return {
    memory: m,
    verdict: { observations: obs, news2, artefacts, ...(risk.change && { riskChange: risk.change }) },
  };
}

/**
 * The wear state of a wristband's sample, as observations of `device.not_worn` and
 * `device.wear_conflict`. Returns true when the sample's vitals measure air and must not be judged:
 * `worn: false` and nothing a living person would read (clinical.md "Wear state is evidence").
 */
function judgeWear(
  m: ResidentMemory,
  sample: VitalsSample & { ts: number },
  settings: RuleSettingsBody,
  deviceId: string,
  obs: Observation[],
): boolean {
  const { ts } = sample;
  if (sample.worn !== false) {
    m.wear = undefined;
    if (sample.worn === true || THRESHOLD_VITALS.some((v) => sample[v] !== undefined)) {
      obs.push(notWornObservation(ts, false, settings, deviceId));
      obs.push(wearConflictObservation(ts, false, settings, deviceId, {}));
    }
    return false;
  }
  const linkMs = settings.profiles.wristband.hr?.freshMs ?? NEWS2_FRESHNESS_MS.hr;
  const { evidence, plausible } = judgeUnworn(m.wear, sample, settings.artefacts.maxJump, linkMs);
  m.wear = evidence;
  obs.push(notWornObservation(ts, !plausible, settings, deviceId));
  obs.push(wearConflictObservation(ts, plausible, settings, deviceId, { hr: sample.hr, spo2: sample.spo2 }));
  return !plausible;
}

function markSeen(m: ResidentMemory, sample: VitalsSample & { ts: number }): void {
  const seen = m.seen as NonNullable<ResidentMemory['seen']>;
  for (const v of THRESHOLD_VITALS) if (sample[v] !== undefined) seen[v] = Math.max(seen[v] ?? sample.ts, sample.ts);
}

function resting(a: { lastMoveTs?: number | undefined; since?: number | undefined }, ts: number): boolean {
  return a.since !== undefined && ts - (a.lastMoveTs ?? a.since) >= RESTING_AFTER_MS;
}

/** The keys of every vital track, so a not-worn sample can break all of them. */
function vitalObservationKeys(rules: VitalRules) {
  const out: { key: string; kind: Observation['kind']; rule: string }[] = [];
  for (const vital of THRESHOLD_VITALS) {
    for (const o of observeVital(vital, 0, 0, rules[vital]))
      out.push({ key: o.kind, kind: o.kind, rule: `vital-threshold.${vital}_${o.direction}` });
  }
  out.push(
    { key: 'news2', kind: 'news2', rule: 'news2' },
    { key: 'vital.hr_baseline', kind: 'vital.hr_baseline', rule: 'baseline.resting_hr' },
  );
  return out;
}

/** The same rules with every noise control off: raise and clear on a single sample at the limit. */
export function withoutNoiseControls(s: RuleSettingsBody): RuleSettingsBody {
  const vitals = structuredClone(s.vitals);
  for (const v of THRESHOLD_VITALS) Object.assign(vitals[v], { forMs: 0, clearForMs: 0, clearMargin: 0 });
  return {
    ...s,
    vitals,
    news2: { forMs: 0, clearForMs: 0 },
    criticalLimits: { ...s.criticalLimits, confirmMs: 0 },
    artefacts: { ...s.artefacts, enabled: false },
    notWorn: { forMs: 0 },
    wearConflict: { forMs: 0 },
    baseline: { ...s.baseline, forMs: 0 },
  };
}

export type { Description };
