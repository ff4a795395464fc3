import { z } from 'zod';
import { IsoTime } from './ids.ts';
import { perVital, VITAL_BOUNDS, VITAL_KEYS, VITALS, type VitalKey } from './vitals.ts';

/**
 * A facility's clinical rule settings (issue 3): thresholds, persistence windows, hysteresis and the
 * noise controls, edited through `GET/PUT /api/facilities/{id}/rules`. Every change bumps `version`,
 * and every alert's `explanation.rule` names the version it was judged by (`…@3`).
 */

const Ms = z
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 3_600_000);
const Minutes = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The vitals with alert limits (`VITALS[k].thresholds`): all but diastolic pressure, in `VITALS` order. */
export type ThresholdVital = { [K in VitalKey]: (typeof VITALS)[K]['thresholds'] extends true ? K : never }[VitalKey];
export const THRESHOLD_VITALS: readonly ThresholdVital[] = VITAL_KEYS.filter(
  (k): k is ThresholdVital => VITALS[k].thresholds,
);

/**
 * Two tiers per direction: crossing `low`/`high` raises a `medium` alert (prompt response), crossing
 * `criticalLow`/`criticalHigh` a `high` one (immediate response), IEC 60601-1-8.
 */
export const VitalRule = z
  .object({
    low: z.number().optional(),
    high: z.number().optional(),
    criticalLow: z.number().optional(),
    criticalHigh: z.number().optional(),
    /** Hysteresis: the condition clears only once the value is this far back inside the limit. */
    clearMargin: z.number().min(0),
    /** The limit must be crossed continuously for this long (device time) before an alert; 0 = at once. */
    forMs: Ms,
    /** The value must stay back inside `limit ∓ clearMargin` this long before the condition clears. */
    clearForMs: Ms,
  })
  .strict();
export type VitalRule = z.infer<typeof VitalRule>;

const Persistence = z.object({ forMs: Ms, clearForMs: Ms }).strict();

/**
 * How a device profile measures one vital (clinical.md "Sparse readings"): as a `stream` (readings
 * seconds apart; the first reading after a gap longer than `persistence.streamGapMs` is a spot
 * reading) or as `spot` readings (a cuff, a thermometer). `freshMs`: how long a reading counts, for
 * NEWS2 and for confirming the next reading of the same condition.
 */
export const VitalSampling = z.object({ mode: z.enum(['stream', 'spot']), freshMs: Ms.min(1000) }).strict();
export type VitalSampling = z.infer<typeof VitalSampling>;
const ProfileSampling = z.object(perVital(THRESHOLD_VITALS, () => VitalSampling.optional())).strict();
export type ProfileSampling = z.infer<typeof ProfileSampling>;

/** A critical limit per direction (clinical.md "Critical limits"): past it, the fast path. */
export const CriticalLimit = z.object({ low: z.number().optional(), high: z.number().optional() }).strict();
export type CriticalLimit = z.infer<typeof CriticalLimit>;
export const CriticalLimits = z.object(perVital(THRESHOLD_VITALS, () => CriticalLimit)).strict();
export type CriticalLimits = z.infer<typeof CriticalLimits>;

export const RuleSettingsBody = z
  .object({
    vitals: z.object(perVital(THRESHOLD_VITALS, () => VitalRule)).strict(),
    /** A `news2` alert needs its band to persist (a single noisy sample moves the aggregate). */
    news2: Persistence,
    /**
     * Technical tracks (not worn, inactivity): a gap in a device's data longer than this breaks their
     * windows. Vital windows break after the vital's own freshness window (`profiles`).
     */
    maxGapMs: Ms,
    /** Persistence over the readings that exist (clinical.md "Fraction, not an unbroken run"). */
    persistence: z
      .object({
        /** A window holds when at least this share of its readings is past the limit. */
        fraction: z.number().min(0.5).max(1),
        /** Readings of a stream further apart than this: the later one is a spot reading. */
        streamGapMs: Ms.min(1000),
      })
      .strict(),
    /**
     * The fast path beside the priority tiers (clinical.md "Critical limits"): a stream past a
     * critical limit for `confirmMs`, or an aggregate NEWS2 of `news2` or more, raises a `high` alert
     * at once; a spot reading past a critical limit raises on arrival.
     */
    criticalLimits: CriticalLimits.extend({
      news2: z.number().int().min(1).max(20),
      /** The SpO2 critical limit for residents on NEWS2 scale 2 (a prescribed 88–92 % target). */
      spo2Scale2Low: z.number().min(50).max(100),
      confirmMs: Ms.max(10_000),
    }).strict(),
    /** Per device profile, how each vital is sampled; a vital a profile does not name is a spot reading. */
    profiles: z.object({ wristband: ProfileSampling, cuff: ProfileSampling, thermometer: ProfileSampling }).strict(),
    /** A device's `onOxygen` report holds this long unless repeated; then the care plan's prescription applies. */
    oxygen: z.object({ deviceHoldMs: Ms.min(60_000) }).strict(),
    /** `worn:false` with readings a living person gives, for this long, raises `device.wear_conflict`. */
    wearConflict: z.object({ forMs: Ms.max(60_000) }).strict(),
    /** Physically implausible jumps between consecutive samples are sensor artefacts (clinical.md). */
    artefacts: z
      .object({
        enabled: z.boolean(),
        maxJump: z
          .object({
            hr: z.number().positive(),
            spo2: z.number().positive(),
            rr: z.number().positive(),
            temp: z.number().positive(),
          })
          .strict(),
      })
      .strict(),
    /** `worn:false` for this long raises `device.not_worn` (a wearable off for a shower is not an alarm). */
    notWorn: z.object({ forMs: Ms }).strict(),
    /**
     * Stale-data alarms per device kind, against the device's own usual interval: warn after
     * `missedIntervals` usual intervals of silence, urgent after twice that, never sooner than
     * `warnMs` / `urgentMs`.
     */
    noData: z
      .object({
        wearable: z.object({ warnMs: Ms, urgentMs: Ms, missedIntervals: z.number().min(2).max(100) }).strict(),
        sensor: z.object({ warnMs: Ms, urgentMs: Ms, missedIntervals: z.number().min(2).max(100) }).strict(),
      })
      .strict(),
    battery: z
      .object({
        lowPct: z.number().min(0).max(100),
        criticalPct: z.number().min(0).max(100),
        clearPct: z.number().min(0).max(100),
      })
      .strict(),
    airTemp: z
      .object({ low: z.number(), high: z.number(), clearMargin: z.number().min(0), forMs: Ms, clearForMs: Ms })
      .strict(),
    /** `resident.inactivity`: no steps for `afterMs` within waking hours (facility local time). */
    inactivity: z
      .object({
        enabled: z.boolean(),
        timeZone: z.string().min(1).max(64),
        wakeFrom: z.string().regex(Minutes, 'HH:MM'),
        wakeTo: z.string().regex(Minutes, 'HH:MM'),
        afterMs: Ms,
      })
      .strict(),
    /** Deviation of resting heart rate from the resident's own recent baseline. */
    baseline: z
      .object({
        enabled: z.boolean(),
        /** Raise when resting HR exceeds the baseline by max(minDeltaBpm, sdFactor × sd)… */
        minDeltaBpm: z.number().positive(),
        sdFactor: z.number().positive(),
        /** …for this long. */
        forMs: Ms,
        /** Exponential forgetting of old data. */
        halfLifeMs: Ms.min(60_000),
        /** How much resting data the baseline needs before the rule judges anything. */
        warmupMs: Ms,
      })
      .strict(),
  })
  .strict();
export type RuleSettingsBody = z.infer<typeof RuleSettingsBody>;

/** Cross-field checks a schema alone cannot express; returns readable problems. */
export function ruleSettingsProblems(s: RuleSettingsBody): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const v of THRESHOLD_VITALS) {
    const r = s.vitals[v];
    const bounds = VITAL_BOUNDS[v];
    const order: [keyof VitalRule, number | undefined][] = [
      ['criticalLow', r.criticalLow],
      ['low', r.low],
      ['high', r.high],
      ['criticalHigh', r.criticalHigh],
    ];
    let prev: [string, number] | undefined;
    for (const [name, value] of order) {
      if (value === undefined) continue;
      if (value < bounds.min || value > bounds.max)
        out.push({ path: `vitals.${v}.${name}`, message: `must lie within ${bounds.min}–${bounds.max}` });
      if (prev && value < prev[1])
        out.push({ path: `vitals.${v}.${name}`, message: `must not be below ${prev[0]} (${prev[1]})` });
      prev = [name, value];
    }
    if (r.low !== undefined && r.high !== undefined && r.low >= r.high)
      out.push({ path: `vitals.${v}.high`, message: 'must be above low' });
  }
  for (const v of THRESHOLD_VITALS) {
    const r = s.vitals[v];
    const c = s.criticalLimits[v];
    const lowest = r.criticalLow ?? r.low;
    const highest = r.criticalHigh ?? r.high;
    if (c.low !== undefined && lowest !== undefined && c.low > lowest)
      out.push({ path: `criticalLimits.${v}.low`, message: `must not lie above vitals.${v} (${lowest})` });
    if (c.high !== undefined && highest !== undefined && c.high < highest)
      out.push({ path: `criticalLimits.${v}.high`, message: `must not lie below vitals.${v} (${highest})` });
  }
  for (const kind of ['wearable', 'sensor'] as const) {
    const n = s.noData[kind];
    if (n.warnMs === 0 || n.urgentMs <= n.warnMs)
      out.push({ path: `noData.${kind}.urgentMs`, message: 'must be above warnMs, and warnMs above 0' });
  }
  const b = s.battery;
  if (!(b.criticalPct < b.lowPct && b.lowPct < b.clearPct))
    out.push({ path: 'battery', message: 'needs criticalPct < lowPct < clearPct' });
  if (s.airTemp.low >= s.airTemp.high) out.push({ path: 'airTemp.high', message: 'must be above low' });
  if (s.inactivity.wakeFrom === s.inactivity.wakeTo)
    out.push({ path: 'inactivity.wakeTo', message: 'waking hours must not be empty' });
  if (!validTimeZone(s.inactivity.timeZone))
    out.push({ path: 'inactivity.timeZone', message: 'unknown IANA time zone (e.g. Asia/Shanghai)' });
  return out;
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The settings in force, as `GET /api/facilities/{id}/rules` returns them. */
export const RuleSettings = RuleSettingsBody.extend({
  facilityId: z.string(),
  version: z.number().int().positive(),
  updatedAt: IsoTime.optional(),
  updatedBy: z.string().optional(),
});
export type RuleSettings = z.infer<typeof RuleSettings>;

/** `PUT /api/facilities/{id}/rules`: a partial body changes only the fields it names. */
export const RuleSettingsPatch = z
  .object({
    vitals: z
      .object(perVital(THRESHOLD_VITALS, () => VitalRule.partial()))
      .partial()
      .strict(),
    news2: Persistence.partial(),
    maxGapMs: Ms,
    persistence: RuleSettingsBody.shape.persistence.partial(),
    // Critical limits and profiles hold optional fields already: one level of partial is enough.
    criticalLimits: RuleSettingsBody.shape.criticalLimits.partial(),
    profiles: RuleSettingsBody.shape.profiles.partial(),
    oxygen: RuleSettingsBody.shape.oxygen.partial(),
    wearConflict: RuleSettingsBody.shape.wearConflict.partial(),
    artefacts: z
      .object({
        enabled: z.boolean(),
        maxJump: RuleSettingsBody.shape.artefacts.shape.maxJump.partial(),
      })
      .partial()
      .strict(),
    notWorn: RuleSettingsBody.shape.notWorn.partial(),
    noData: z
      .object({
        wearable: RuleSettingsBody.shape.noData.shape.wearable.partial(),
        sensor: RuleSettingsBody.shape.noData.shape.sensor.partial(),
      })
      .partial()
      .strict(),
    battery: RuleSettingsBody.shape.battery.partial(),
    airTemp: RuleSettingsBody.shape.airTemp.partial(),
    inactivity: RuleSettingsBody.shape.inactivity.partial(),
    baseline: RuleSettingsBody.shape.baseline.partial(),
  })
  .partial()
  .strict();
export type RuleSettingsPatch = z.infer<typeof RuleSettingsPatch>;
