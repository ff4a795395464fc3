import { z } from 'zod';
import { IsoTime } from './ids.ts';

const Ms = z
  .number()
  .int()
  .min(1000)
  .max(7 * 24 * 3_600_000);
const PerPriority = z.object({ high: Ms, medium: Ms, low: Ms }).strict();
const PerTaskKind = z.object({ onsite_check: Ms, remote_consult: Ms, facility_maintenance: Ms }).strict();

/**
 * One escalation step (PagerDuty-style escalation policy): when a task is still not accepted
 * `afterMs[priority]` after it was assigned (or after the previous step), hand it on:
 * `next_caregiver` (the next free person of the task's role), `manager` (the facility's managers are
 * told and may take it), `medical` (a remote consult is opened for the medical team).
 */
export const EscalationStep = z
  .object({ target: z.enum(['next_caregiver', 'manager', 'medical']), afterMs: PerPriority })
  .strict();
export type EscalationStep = z.infer<typeof EscalationStep>;

export const FacilityPolicyBody = z
  .object({
    /** An alert not acknowledged within this time: `alert_unacknowledged`. */
    ackLimitMs: PerPriority,
    acceptLimitMs: PerTaskKind,
    completeLimitMs: PerTaskKind,
    escalation: z.array(EscalationStep).max(10),
    /** The same staff member overdue `count` times within `windowMs`: `staff_repeated_overdue`. */
    staffRepeatedOverdue: z.object({ count: z.number().int().min(2).max(100), windowMs: Ms }).strict(),
    /** Remote-consult response (creation → accept) over `thresholdMs` `count` times in a row. */
    consultResponseStreak: z.object({ count: z.number().int().min(2).max(100), thresholdMs: Ms }).strict(),
  })
  .strict();
export type FacilityPolicyBody = z.infer<typeof FacilityPolicyBody>;

/** `GET /api/facilities/{id}/policy`: the policy in force. */
export const FacilityPolicy = FacilityPolicyBody.extend({
  facilityId: z.string(),
  version: z.number().int().positive(),
  updatedAt: IsoTime.optional(),
  updatedBy: z.string().optional(),
});
export type FacilityPolicy = z.infer<typeof FacilityPolicy>;

/** `PUT /api/facilities/{id}/policy`: a partial body changes only the fields it names. */
export const FacilityPolicyPatch = z
  .object({
    ackLimitMs: PerPriority.partial(),
    acceptLimitMs: PerTaskKind.partial(),
    completeLimitMs: PerTaskKind.partial(),
    escalation: z.array(EscalationStep).max(10),
    staffRepeatedOverdue: FacilityPolicyBody.shape.staffRepeatedOverdue.partial(),
    consultResponseStreak: FacilityPolicyBody.shape.consultResponseStreak.partial(),
  })
  .partial()
  .strict();
export type FacilityPolicyPatch = z.infer<typeof FacilityPolicyPatch>;

const MIN = 60_000;

/**
 * Defaults: an SOS must be acknowledged within a minute (IEC 60601-1-8 high = immediate response;
 * NEWS2 ≥ 7 wants assessment within 30 min, 5–6 within 1 h: clinical.md chart 4).
 */
export const DEFAULT_POLICY: FacilityPolicyBody = {
  ackLimitMs: { high: 1 * MIN, medium: 5 * MIN, low: 30 * MIN },
  acceptLimitMs: { onsite_check: 2 * MIN, remote_consult: 10 * MIN, facility_maintenance: 15 * MIN },
  completeLimitMs: { onsite_check: 15 * MIN, remote_consult: 30 * MIN, facility_maintenance: 120 * MIN },
  escalation: [
    { target: 'next_caregiver', afterMs: { high: 1 * MIN, medium: 3 * MIN, low: 10 * MIN } },
    { target: 'manager', afterMs: { high: 2 * MIN, medium: 5 * MIN, low: 20 * MIN } },
    { target: 'medical', afterMs: { high: 3 * MIN, medium: 10 * MIN, low: 60 * MIN } },
  ],
  staffRepeatedOverdue: { count: 3, windowMs: 8 * 60 * MIN },
  consultResponseStreak: { count: 3, thresholdMs: 10 * MIN },
};
