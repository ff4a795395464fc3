import { z } from 'zod';
import { Id, IsoTime } from './ids.ts';
import { Location } from './device-events.ts';

/** IEC 60601-1-8: high = immediate, medium = prompt, low = awareness. */
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;
/** Sort rank: lower is more urgent. */
export const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

export const ALERT_KINDS = [
  'vital.hr_high',
  'vital.hr_low',
  'vital.spo2_low',
  'vital.rr_high',
  'vital.rr_low',
  'vital.sbp_high',
  'vital.sbp_low',
  'vital.temp_high',
  'vital.temp_low',
  'news2',
  'sos',
  'fall',
  'device.offline',
  'device.low_battery',
  'device.not_worn',
  /** `worn: false` while the readings look like a living person's (clinical.md "Wear state is evidence"). */
  'device.wear_conflict',
  'device.no_data',
  'facility.water_leak',
  'facility.smoke',
  'facility.power_loss',
  'facility.air_temp',
  'resident.inactivity',
  /** Resting heart rate well above the resident's own recent baseline (issue 3, an extension). */
  'vital.hr_baseline',
] as const;
export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertState = z.enum(['active', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

/** Outcomes a person chooses on resolve (contract §3.1). */
export const RESOLVE_OUTCOMES = ['handled', 'false_alarm', 'transferred', 'no_action_needed'] as const;
export const ResolveOutcome = z.enum(RESOLVE_OUTCOMES);
export type ResolveOutcome = z.infer<typeof ResolveOutcome>;
/** Outcomes set by the platform itself. */
export const AlertOutcome = z.enum([...RESOLVE_OUTCOMES, 'self_cleared', 'cancelled']);
export type AlertOutcome = z.infer<typeof AlertOutcome>;

/** Every alert is traceable: which rule, on which values, against which condition, over which window. */
export const Explanation = z.object({
  rule: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  condition: z.string(),
  window: z.string().optional(),
  /**
   * How a condition judged over time reached its tier (clinical.md "Alarm timing that must hold"):
   * `sustained` (most readings of the window past the limit), `confirmed` (sparse readings: the next
   * reading confirmed the first), `critical_stream` (a stream in a critical range for a few seconds),
   * `critical_spot` (a spot reading in a critical range raises at once).
   */
  path: z.enum(['sustained', 'confirmed', 'critical_stream', 'critical_spot']).optional(),
  /** Raised from late data (store-and-forward): when the deciding reading was taken, and how late it came. */
  late: z.object({ observedAt: IsoTime, delayMs: z.number().int().nonnegative() }).optional(),
});
export type Explanation = z.infer<typeof Explanation>;

/** Alert (contract §3.1). */
export const Alert = z.object({
  id: z.string(),
  facilityId: Id,
  residentId: Id.optional(),
  deviceId: Id.optional(),
  zoneId: Id.optional(),
  roomId: Id.optional(),
  kind: AlertKind,
  priority: Priority,
  state: AlertState,
  title: z.string(),
  explanation: Explanation,
  raisedAt: IsoTime,
  lastSeenAt: IsoTime,
  occurrences: z.number().int().positive(),
  /** The last re-raise (contract §3.1): a new SOS press, a new fall or a rise in priority on the open alert. */
  reraisedAt: IsoTime.optional(),
  acknowledgedAt: IsoTime.optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: IsoTime.optional(),
  resolvedBy: z.string().optional(),
  outcome: AlertOutcome.optional(),
  note: z.string().optional(),
  escalationLevel: z.number().int().nonnegative(),
  location: Location.optional(),
  /**
   * For conditions judged over time (vitals, NEWS2, sensors, technical): whether the condition still
   * holds. A latched alert stays open after its condition cleared, until a person resolves it.
   * Absent for one-off events (SOS, fall).
   */
  conditionHolds: z.boolean().optional(),
  /** When the condition last cleared (device time). */
  conditionClearedAt: IsoTime.optional(),
  /**
   * Extension, per viewer and never stored (contract §4.2): `true` when the resident's consent does
   * not cover this viewer, so the title is the kind's plain name and `explanation.inputs` and
   * `condition` are left out (they carry the resident's values and care-plan limits). Absent otherwise.
   */
  healthWithheld: z.literal(true).optional(),
  /**
   * Extension, per viewer and never stored: `true` when the health content is shown to this viewer
   * only by emergency access (contract §4.3: assigned to this open `high` alert), as on tasks.
   */
  emergencyAccess: z.literal(true).optional(),
});
export type Alert = z.infer<typeof Alert>;
