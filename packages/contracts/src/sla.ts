import { z } from 'zod';
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
  detail: z.string(),
  raisedAt: IsoTime,
});
export type SlaWarning = z.infer<typeof SlaWarning>;
