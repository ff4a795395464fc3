import { z } from 'zod';
import { IsoTime } from './ids.ts';
import { VITAL_BOUNDS } from './vitals.ts';

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

export const THRESHOLD_VITALS = ['hr', 'spo2', 'rr', 'sbp', 'temp'] as const;
export type ThresholdVital = (typeof THRESHOLD_VITALS)[number];

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

export const RuleSettingsBody = z
  .object({
    vitals: z.object({ hr: VitalRule, spo2: VitalRule, rr: VitalRule, sbp: VitalRule, temp: VitalRule }).strict(),
    /** A `news2` alert needs its band to persist (a single noisy sample moves the aggregate). */
    news2: Persistence,
    /** A gap in a device's data longer than this breaks every persistence window (nothing was observed). */
    maxGapMs: Ms,
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
    /** Stale-data alarms per device kind (Nightscout: warn 15 min, urgent 30 min). */
    noData: z
      .object({
        wearable: z.object({ warnMs: Ms, urgentMs: Ms }).strict(),
        sensor: z.object({ warnMs: Ms, urgentMs: Ms }).strict(),
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
      .object({
        hr: VitalRule.partial(),
        spo2: VitalRule.partial(),
        rr: VitalRule.partial(),
        sbp: VitalRule.partial(),
        temp: VitalRule.partial(),
      })
      .partial()
      .strict(),
    news2: Persistence.partial(),
    maxGapMs: Ms,
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

const MIN = 60_000;

/**
 * Facility defaults. Thresholds follow the NEWS2 chart-1 bands (clinical.md): the first tier where a
 * parameter scores 2, the critical tier where it scores 3, so a threshold alert and the NEWS2 score
 * tell the same story. Persistence: pulse oximeters delay desaturation alarms ~15–30 s; a cuff blood
 * pressure needs a confirming second reading.
 */
export const DEFAULT_RULE_SETTINGS: RuleSettingsBody = {
  vitals: {
    // NEWS2: pulse ≤40 scores 3, 41–50 scores 1; 111–130 scores 2, ≥131 scores 3.
    hr: { low: 45, high: 120, criticalLow: 40, criticalHigh: 131, clearMargin: 5, forMs: MIN, clearForMs: 2 * MIN },
    // NEWS2 scale 1: ≤91 scores 3, 92–93 scores 2.
    spo2: { low: 93, criticalLow: 91, clearMargin: 2, forMs: 30_000, clearForMs: 2 * MIN },
    // NEWS2: RR ≤8 scores 3; 21–24 scores 2; ≥25 scores 3.
    rr: { low: 9, high: 24, criticalLow: 8, criticalHigh: 25, clearMargin: 2, forMs: MIN, clearForMs: 2 * MIN },
    // NEWS2: SBP ≤90 scores 3, 91–100 scores 2; ≥220 scores 3.
    // A single cuff reading is re-checked before anyone acts on it: the next reading ≥ 10 min later
    // must confirm (a critical one also scores 3 in NEWS2, which alerts within a minute).
    sbp: { low: 100, high: 180, criticalLow: 90, criticalHigh: 220, clearMargin: 5, forMs: 10 * MIN, clearForMs: 0 },
    // NEWS2: ≤35.0 scores 3; 38.1–39.0 scores 1, ≥39.1 scores 2.
    temp: {
      low: 35.5,
      high: 38.0,
      criticalLow: 35.0,
      criticalHigh: 39.1,
      clearMargin: 0.3,
      forMs: 2 * MIN,
      clearForMs: 5 * MIN,
    },
  },
  news2: { forMs: MIN, clearForMs: 5 * MIN },
  maxGapMs: 2 * MIN,
  // Faster than any physiology between two samples seconds apart (a motion artefact, a loose probe).
  artefacts: { enabled: true, maxJump: { hr: 30, spo2: 6, rr: 10, temp: 1 } },
  notWorn: { forMs: 5 * MIN },
  // Nightscout stale-data alarms: warn at 15 min, urgent at 30 min. Room sensors send a heartbeat at
  // least every 10 min.
  noData: { wearable: { warnMs: 15 * MIN, urgentMs: 30 * MIN }, sensor: { warnMs: 30 * MIN, urgentMs: 60 * MIN } },
  battery: { lowPct: 15, criticalPct: 5, clearPct: 25 },
  // Below 16 °C or above 32 °C a room endangers frail residents (hypothermia, heat stroke).
  airTemp: { low: 16, high: 32, clearMargin: 1, forMs: 10 * MIN, clearForMs: 10 * MIN },
  inactivity: { enabled: true, timeZone: 'Asia/Shanghai', wakeFrom: '07:30', wakeTo: '21:30', afterMs: 3 * 60 * MIN },
  baseline: {
    enabled: true,
    minDeltaBpm: 20,
    sdFactor: 3,
    forMs: 15 * MIN,
    halfLifeMs: 24 * 60 * MIN,
    warmupMs: 2 * 60 * MIN,
  },
};
