import { z } from 'zod';
import { Priority } from './alert.ts';
import { Id, IsoTime } from './ids.ts';
import { Role } from './roles.ts';
import { SlaWarningKind } from './sla.ts';
import { TaskKind, TaskState } from './task.ts';

const Count = z.number().int().nonnegative();
const Millis = z.number().int().nonnegative().nullable();

/**
 * Durations in ms over a set of samples. Percentiles by the nearest-rank method: the value at
 * 1-based rank ⌈p·n/100⌉ of the ascending samples, always one of the samples. With no samples the
 * count is 0 and every figure is null.
 */
export const DurationStats = z.object({ count: Count, p50Ms: Millis, p90Ms: Millis, maxMs: Millis });
export type DurationStats = z.infer<typeof DurationStats>;

/** SLA warnings (contract §3.3) raised in the window, every kind listed (0 when none). */
export const SlaBreaches = z.object({ total: Count, byKind: z.record(SlaWarningKind, Count) });
export type SlaBreaches = z.infer<typeof SlaBreaches>;

/**
 * Alerts resolved by a person (outcome handled, false_alarm, transferred or no_action_needed); the
 * platform's own outcomes (self_cleared, cancelled) are not a person's judgement and are left out.
 * `falseAlarmRate` = falseAlarms / byPerson in [0, 1]; null when nobody resolved anything.
 */
export const SlaResolutions = z.object({
  byPerson: Count,
  falseAlarms: Count,
  falseAlarmRate: z.number().min(0).max(1).nullable(),
});
export type SlaResolutions = z.infer<typeof SlaResolutions>;

/**
 * The figures every level of the report has. `tasks`: held now (`assigned`, the current assignee),
 * accepted, completed, and `passed` (declined or let the accept limit run out, from `passedBy`).
 * Time to acknowledge: raisedAt → acknowledgedAt; its count is the number of acknowledgements.
 * Time to accept: assignedAt (createdAt when absent) → acceptedAt. Time to complete: acceptedAt →
 * completedAt.
 */
export const SlaGroupStats = z.object({
  tasks: z.object({ assigned: Count, accepted: Count, completed: Count, passed: Count }),
  timeToAcknowledge: DurationStats,
  timeToAccept: DurationStats,
  timeToComplete: DurationStats,
  resolutions: SlaResolutions,
  breaches: SlaBreaches,
});
export type SlaGroupStats = z.infer<typeof SlaGroupStats>;

/** One role: everything its staff did (`staff`: how many of them had activity in the window). */
export const SlaRoleStats = SlaGroupStats.extend({ role: Role, staff: Count });
export type SlaRoleStats = z.infer<typeof SlaRoleStats>;

/** One staff member; `name` and `role` are null for an id no longer among the users. */
export const SlaStaffStats = SlaGroupStats.extend({
  staffId: z.string(),
  name: z.string().nullable(),
  role: Role.nullable(),
});
export type SlaStaffStats = z.infer<typeof SlaStaffStats>;

/** The whole facility, including what no staff member can be credited with (unassigned tasks, …). */
export const SlaFacilityStats = SlaGroupStats.extend({
  alerts: z.object({
    raised: Count,
    byPriority: z.record(Priority, Count),
    acknowledged: Count,
    selfCleared: Count,
    cancelled: Count,
  }),
  tasks: SlaGroupStats.shape.tasks.extend({
    created: Count,
    byKind: z.record(TaskKind, Count),
    byState: z.record(TaskState, Count),
  }),
});
export type SlaFacilityStats = z.infer<typeof SlaFacilityStats>;

/**
 * `GET /api/sla/report?facilityId&from&to` (contract §4.1, issue 4). Alerts, tasks and warnings
 * belong to the window when they started (raisedAt, createdAt, raisedAt in [from, to], inclusive);
 * what happened to them later still counts. `byRole` always lists caregiver, medical, maintenance and
 * manager, other roles only with activity; `byStaff` lists only staff with activity, by id.
 */
export const SlaReport = z.object({
  facilityId: Id,
  from: IsoTime,
  to: IsoTime,
  facility: SlaFacilityStats,
  byRole: z.array(SlaRoleStats),
  byStaff: z.array(SlaStaffStats),
});
export type SlaReport = z.infer<typeof SlaReport>;
