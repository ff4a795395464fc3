import { z } from 'zod';
import { AlertKind, Priority } from './alert.ts';
import { Id, IsoTime } from './ids.ts';

export const SlaWarningKind = z.enum([
  'alert_unacknowledged',
  'accept_overdue',
  'complete_overdue',
  'staff_repeated_overdue',
  'consult_response_streak',
  /** Extension: a task found nobody on duty for its role and went straight to a manager. */
  'no_staff_on_duty',
]);
export type SlaWarningKind = z.infer<typeof SlaWarningKind>;

/** SlaWarning (contract §3.3). */
export const SlaWarning = z.object({
  id: z.string(),
  facilityId: Id,
  kind: SlaWarningKind,
  taskId: z.string().optional(),
  alertId: z.string().optional(),
  staffId: Id.optional(),
  limitMs: z.number().int().nonnegative(),
  actualMs: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative().optional(),
  /**
   * Plain words for a manager. Never a health value (issue 13): an `alert_unacknowledged` warning names
   * the alert by id, plain kind name, rule and resident id, never by its title ("Heart rate high:
   * 163 bpm"), so it can go to managers whom the resident's consent does not cover, as it is.
   */
  detail: z.string(),
  raisedAt: IsoTime,
  /** Extension (issue 13), `alert_unacknowledged`: the alert's kind, priority and resident. */
  alertKind: AlertKind.optional(),
  alertPriority: Priority.optional(),
  residentId: Id.optional(),
  /**
   * Extension (issue 14): who and where, so a manager can act without looking anything up. The
   * resident's name, room and zone are not health data (they are how staff find the person,
   * health-redaction.ts), and the staff member's name is the `staffId`'s, or for an alert the
   * assignee of its on-site task.
   */
  residentName: z.string().optional(),
  roomId: Id.optional(),
  zoneId: Id.optional(),
  staffName: z.string().optional(),
});
export type SlaWarning = z.infer<typeof SlaWarning>;
