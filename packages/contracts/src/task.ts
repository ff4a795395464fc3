import { z } from 'zod';
import { Id, IsoTime } from './ids.ts';
import { Priority } from './alert.ts';

export const TaskKind = z.enum(['onsite_check', 'remote_consult', 'facility_maintenance']);
export type TaskKind = z.infer<typeof TaskKind>;
export const TaskRole = z.enum(['caregiver', 'medical', 'maintenance']);
export type TaskRole = z.infer<typeof TaskRole>;
export const TaskState = z.enum(['open', 'assigned', 'accepted', 'in_progress', 'done', 'cancelled']);
export type TaskState = z.infer<typeof TaskState>;

/** Task (contract §3.2). */
export const Task = z.object({
  id: z.string(),
  facilityId: Id,
  kind: TaskKind,
  role: TaskRole,
  priority: Priority,
  state: TaskState,
  alertId: z.string().optional(),
  residentId: Id.optional(),
  zoneId: Id.optional(),
  roomId: Id.optional(),
  assigneeId: Id.optional(),
  createdAt: IsoTime,
  assignedAt: IsoTime.optional(),
  acceptedAt: IsoTime.optional(),
  startedAt: IsoTime.optional(),
  completedAt: IsoTime.optional(),
  acceptBy: IsoTime,
  completeBy: IsoTime,
  escalationLevel: z.number().int().nonnegative(),
  note: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  /** Extension: when the assignee's board showed the alert (Socket.IO `receipt`, IHE ACM delivery). */
  deliveredAt: IsoTime.optional(),
  /** Extension: who declined or let it time out; never offered to them again. */
  passedBy: z.array(Id).optional(),
  /** Extension: why it was cancelled (e.g. the alert was resolved). */
  cancelReason: z.string().optional(),
  /**
   * Extension, per viewer and never stored: `true` when `context` is shown to this viewer only by
   * emergency access (contract §4.3: they respond to the open `high` alert; consent alone would
   * strip it). Absent otherwise.
   */
  emergencyAccess: z.literal(true).optional(),
});
export type Task = z.infer<typeof Task>;

/** `POST /api/tasks/{id}/accept|start|complete` body. */
export const TaskActionRequest = z.object({ note: z.string().max(2000).optional() }).strict();
/** `POST /api/tasks/{id}/decline` body. */
export const TaskDeclineRequest = z.object({ reason: z.string().min(1).max(2000).optional() }).strict();
