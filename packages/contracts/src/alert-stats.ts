import { z } from 'zod';
import { AlertKind } from './alert.ts';
import { Id, IsoTime } from './ids.ts';
import { Role } from './roles.ts';
import { DurationStats, SlaBreaches } from './sla-report.ts';

const Count = z.number().int().nonnegative();

/**
 * Response times of one group (the facility, a role, a staff member). `acknowledge`: the alert's call
 * (raisedAt, or reraisedAt for a re-raised one) → acknowledgedAt, credited to `acknowledgedBy`.
 * `onSite`: an on-site task's creation → startedAt (the carer is with the resident; completedAt when
 * the task was completed without being started), credited to its assignee.
 */
export const ResponseTimes = z.object({ acknowledge: DurationStats, onSite: DurationStats });
export type ResponseTimes = z.infer<typeof ResponseTimes>;

export const AlertStatsRole = ResponseTimes.extend({ role: Role });
export type AlertStatsRole = z.infer<typeof AlertStatsRole>;

/** One staff member; `name` and `role` are null for an id no longer among the users. */
export const AlertStatsStaff = ResponseTimes.extend({
  staffId: z.string(),
  name: z.string().nullable(),
  role: Role.nullable(),
});
export type AlertStatsStaff = z.infer<typeof AlertStatsStaff>;

/**
 * Alerts about residents of one kind (the rule that fired), per resident-day: `alerts` /
 * `residentDays` (null when the facility has no residents).
 */
export const AlertRateByRule = z.object({ kind: AlertKind, alerts: Count, perResidentDay: z.number().nullable() });
export type AlertRateByRule = z.infer<typeof AlertRateByRule>;

/**
 * `GET /api/alerts/stats?facilityId&from&to` (issue 14, the manager board): what the facility's
 * response looked like. Alerts and tasks belong to the window when they started (raisedAt,
 * createdAt in [from, to]); what happened to them later counts. `falseAlarmRate` = `falseAlarms` /
 * `resolvedByPerson` (outcomes a person chose; the platform's self_cleared and cancelled left out),
 * null when nobody resolved anything. `residentDays` = residents of the facility × window length in
 * days.
 */
export const AlertStats = z.object({
  facilityId: Id,
  from: IsoTime,
  to: IsoTime,
  alerts: z.object({
    raised: Count,
    resolvedByPerson: Count,
    falseAlarms: Count,
    falseAlarmRate: z.number().min(0).max(1).nullable(),
  }),
  facility: ResponseTimes,
  byRole: z.array(AlertStatsRole),
  byStaff: z.array(AlertStatsStaff),
  breaches: SlaBreaches,
  residentDays: z.number().nonnegative(),
  byRule: z.array(AlertRateByRule),
});
export type AlertStats = z.infer<typeof AlertStats>;
