import { z } from 'zod';
import { AlertKind, AlertOutcome } from './alert.ts';
import { IsoTime } from './ids.ts';
import { News2, RiskLevel } from './news2.ts';
import { THRESHOLD_VITALS } from './rule-settings.ts';
import { perVital, VITAL_KEYS } from './vitals.ts';

/** One vital over the report window; out of range = beyond the resident's alert limits. */
export const VitalSummary = z.object({
  min: z.number(),
  mean: z.number(),
  max: z.number(),
  samples: z.number().int().nonnegative(),
  outOfRangeMs: z.number().nonnegative(),
  /** Share of the observed time out of range, in %. */
  outOfRangePct: z.number().min(0).max(100),
});
export type VitalSummary = z.infer<typeof VitalSummary>;

/** One vital's alert limits in force for the resident (facility rules, then care plan). */
export const ReportLimits = z.object({
  low: z.number().optional(),
  high: z.number().optional(),
  criticalLow: z.number().optional(),
  criticalHigh: z.number().optional(),
});
export type ReportLimits = z.infer<typeof ReportLimits>;

/**
 * One personal baseline the rules hold for the resident (extension, issue 15 item 1 "the personal
 * baselines in use"): today the resting heart rate (`vital.hr_baseline`, docs/clinical-rules.md).
 * `mean` and `sd` in the vital's unit, over the readings learned from; `limit` the value above which
 * a resting reading counts as a deviation; `state`: `warming_up` until the readings span the
 * facility's `warmupMs` (nothing is judged against it yet), `active` once they do, `disabled` when
 * the facility's rules or the care plan turn the rule off (what was learned is kept, not used).
 */
export const ReportBaseline = z.object({
  vital: z.literal('hr'),
  context: z.literal('resting'),
  unit: z.string(),
  mean: z.number(),
  sd: z.number().nonnegative(),
  limit: z.number(),
  /** Resting readings learned from; null when the memory predates the count. */
  samples: z.number().int().nonnegative().nullable(),
  /** Device time of the first and the latest reading learned from. */
  learningSince: IsoTime,
  lastLearnedAt: IsoTime,
  /** `lastLearnedAt − learningSince`: what the warm-up is measured against. */
  learnedMs: z.number().nonnegative(),
  warmupMs: z.number().nonnegative(),
  state: z.enum(['warming_up', 'active', 'disabled']),
});
export type ReportBaseline = z.infer<typeof ReportBaseline>;

/**
 * `GET /api/residents/{id}/report` (contract §4.4): a short-term health status assessment over a
 * recent window, default 24 h.
 */
export const HealthReport = z.object({
  residentId: z.string(),
  from: IsoTime,
  to: IsoTime,
  /** First and last sample in the window; null when there is none. */
  coverage: z.object({ firstAt: IsoTime, lastAt: IsoTime }).nullable(),
  vitals: z.partialRecord(z.enum(VITAL_KEYS), VitalSummary),
  news2: z.object({ current: News2.nullable(), worst: News2.nullable() }),
  alerts: z.object({
    raised: z.number().int().nonnegative(),
    open: z.number().int().nonnegative(),
    byKind: z.partialRecord(AlertKind, z.number().int()),
    outcomes: z.partialRecord(AlertOutcome, z.number().int()),
  }),
  /**
   * The NEWS2 band (chart 4) as announced to the medical team: the damped level `report.updated`
   * pushes (a fall counts once it has held), in force at `to`; the current score's band where no
   * announcement reaches back to `to`; `low` when the window has no readings.
   */
  risk: RiskLevel,
  /**
   * Extension (issue 14): the limits "out of range" was judged against, per vital with thresholds
   * (diastolic has none), so the consult charts draw the same lines the rules use.
   */
  limits: z.object(perVital(THRESHOLD_VITALS, () => ReportLimits.optional())).optional(),
  /** Extension (issue 14): the NEWS2 SpO2 scale in force (care plan; 1 unless scale 2 is prescribed). */
  spo2Scale: z.union([z.literal(1), z.literal(2)]).optional(),
  /** Extension (issue 15): the personal baselines the rules hold now (not as of `to`); empty if none. */
  baselines: z.array(ReportBaseline).optional(),
});
export type HealthReport = z.infer<typeof HealthReport>;
