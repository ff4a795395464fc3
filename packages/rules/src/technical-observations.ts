import { type AlertKind, type RuleSettingsBody, toIso } from '@vigil/contracts';
import { type ActivityState, inactiveForMs, type WakingHours } from './activity.ts';
import type { Observation } from './observations.ts';
import { type PersistenceSpec, runSpec } from './persistence.ts';
import { formatDuration } from './thresholds.ts';

/**
 * Observations of the device rather than the person (IEC 60601-1-8 technical alarms: awareness,
 * separate from physiological ones, never hiding them) and of activity.
 */

/** Specs that depend on the settings alone: made once per settings object, not per sample. */
interface TechnicalSpecs {
  notWorn: PersistenceSpec;
  wearConflict: PersistenceSpec;
  inactivity: PersistenceSpec;
}

/** Shared by every observation that uses it (specs are never changed). */
const UNBROKEN = runSpec(0, 0, Number.MAX_SAFE_INTEGER);
const specsCache = new WeakMap<RuleSettingsBody, TechnicalSpecs>();

function specsOf(s: RuleSettingsBody): TechnicalSpecs {
  let specs = specsCache.get(s);
  if (!specs) {
    specs = {
      notWorn: runSpec(s.notWorn.forMs, 0, Math.max(s.maxGapMs, s.notWorn.forMs)),
      wearConflict: runSpec(s.wearConflict.forMs, 0, Math.max(s.maxGapMs, s.wearConflict.forMs)),
      inactivity: runSpec(0, 0, Math.max(s.maxGapMs, 30 * 60_000)),
    };
    specsCache.set(s, specs);
  }
  return specs;
}

/** Breaks a track's window without observing anything (an unworn device measures air). */
export function gapObservation(key: string, kind: AlertKind, rule: string, ts: number): Observation {
  return {
    key,
    kind,
    rule,
    spec: UNBROKEN,
    point: { ts, tier: 0, clear: false, gap: true },
    priority: { 1: 'medium', 2: 'high' },
    describe() {
      return { title: '', condition: '', inputs: {} };
    },
  };
}

export function notWornObservation(ts: number, off: boolean, s: RuleSettingsBody, deviceId: string): Observation {
  return {
    key: 'device.not_worn',
    kind: 'device.not_worn',
    rule: 'device-technical.not_worn',
    spec: specsOf(s).notWorn,
    point: { ts, tier: off ? 1 : 0, clear: !off },
    priority: { 1: 'low', 2: 'low' },
    describe() {
      return {
        title: 'Wearable not worn',
        condition: `the wearable reports it is off the wrist (worn = false)${s.notWorn.forMs > 0 ? ` for ${formatDuration(s.notWorn.forMs)}` : ''} and what it reads is not a person's; its vital alerts are suspended`,
        inputs: { worn: false, ts: toIso(ts), deviceId },
      };
    },
  };
}

/**
 * clinical.md "Wear state is evidence, not a veto": the wearable says it is off, yet reads a living
 * person. The vitals are judged as if worn; this tells the carers the wear sensor needs a look.
 */
export function wearConflictObservation(
  ts: number,
  conflict: boolean,
  s: RuleSettingsBody,
  deviceId: string,
  readings: { hr?: number | undefined; spo2?: number | undefined },
): Observation {
  return {
    key: 'device.wear_conflict',
    kind: 'device.wear_conflict',
    rule: 'device-technical.wear_conflict',
    spec: specsOf(s).wearConflict,
    point: { ts, tier: conflict ? 1 : 0, clear: !conflict },
    priority: { 1: 'low', 2: 'low' },
    describe() {
      return {
        title: 'Wearable says not worn, but reads a pulse',
        condition: `worn = false while the readings vary as a living person's do${s.wearConflict.forMs > 0 ? ` for ${formatDuration(s.wearConflict.forMs)}` : ''}; the vitals are judged as if worn: check the wear sensor`,
        inputs: { worn: false, ...readings, ts: toIso(ts), deviceId },
      };
    },
  };
}

export function batteryObservation(battery: number, ts: number, s: RuleSettingsBody, deviceId: string): Observation {
  const b = s.battery;
  return {
    key: 'device.low_battery',
    kind: 'device.low_battery',
    rule: 'device-technical.battery',
    spec: UNBROKEN,
    point: { ts, tier: battery <= b.criticalPct ? 2 : battery <= b.lowPct ? 1 : 0, clear: battery >= b.clearPct },
    priority: { 1: 'low', 2: 'medium' },
    describe(tier) {
      return {
        title: `Wearable battery ${battery} %`,
        condition: `battery ≤ ${tier >= 2 ? b.criticalPct : b.lowPct} %; clears when charged to ≥ ${b.clearPct} %`,
        inputs: { battery, ts: toIso(ts), deviceId },
      };
    },
  };
}

export function inactivityObservation(
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
    spec: specsOf(s).inactivity,
    point: { ts, tier: inactive >= h.afterMs ? 1 : 0, clear: moved },
    priority: { 1: 'medium', 2: 'medium' },
    describe() {
      return {
        title: `No movement for ${formatDuration(Math.floor(inactive / 60_000) * 60_000)}`,
        condition: `no steps for ${formatDuration(h.afterMs)} during waking hours ${h.wakeFrom}–${h.wakeTo} (${h.timeZone})`,
        inputs: {
          lastMoveAt: a.lastMoveTs !== undefined ? toIso(a.lastMoveTs) : null,
          steps: a.lastSteps,
          ts: toIso(ts),
        },
      };
    },
  };
}
